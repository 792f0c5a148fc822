"""The checks that keep the other checks from being weakened unnoticed.

Each function reads a copy of the project (``root``) and returns one message
per problem, naming the file:line and what to do; tests/test_guards.py runs
them on the project, and the fault suite (tools/faults.py) plants a weakening
of each kind in a throw-away copy to show it is caught.

- :func:`ci_run`: ``.ci/run`` runs the README's test command and fails when it fails;
- :func:`continue_on_error`: no workflow job or step may continue on error;
- :func:`test_selection`: ``make test`` and pytest's configuration select every
  test file (an exclusion only from :data:`REVIEWED_EXCLUSIONS`, with its reason);
- :func:`documented_commands`: every ``make`` target, module, option and .venv tool
  the README, the contributor guides and ARCHITECTURE.md show exists (read as they
  are when the test runs);
- :func:`precommit_hooks`: the pre-commit hooks are the ones CONTRIBUTING.md lists;
- :func:`lock_pins`: every line of requirements.lock pins an exact version;
- :func:`lock_python`: every pinned release installs on the oldest Python the
  project supports (pyproject.toml's ``requires-python``: any 3.11, Debian 12's 3.11.2 too);
- :func:`action_pins`: every action's commit is the one of the release its comment
  names, by the table read from the actions' repositories (tests/data/action_tags.json).
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ["README.md", "CONTRIBUTING.md", "CONTRIBUTING.ru.md", "ARCHITECTURE.md"]
ACTION_TAGS = "tests/data/action_tags.json"
# What the checks read: a throw-away copy to plant a weakening in needs these.
INPUTS = [".ci", ".github", "tests", "tools", "hooks", "Makefile", "pyproject.toml"]
INPUTS += ["requirements.lock", ".pre-commit-config.yaml", *DOCUMENTS]


def copy_inputs(root: Path, to: Path) -> None:
    """Copy what the checks read from ``root`` to ``to`` (what is there already stays)."""
    import shutil

    for name in INPUTS:
        if (to / name).exists():
            continue
        if (root / name).is_dir():
            shutil.copytree(root / name, to / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, to / name)


# What may leave a test file or a test out of `make test`, and why. A key is what
# the check reports ("file: what"); add one only with the reviewer's agreement.
REVIEWED_EXCLUSIONS: dict[str, str] = {
    "tests/conftest.py: pytest_collection_modifyitems": (
        "make test PAGE=: only the tests about that page (tests/page_selection.py); "
        "a warm make test leaves out the tests that passed on unchanged inputs (tests/kept.py)"
    ),
}


def _run(argv: list[str], **options) -> subprocess.CompletedProcess:
    """Run a program of the project's with a stand-in on PATH; if it runs
    something else for long, its whole process group is stopped."""
    with subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **options,
    ) as process:
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            output, _ = process.communicate()
        return subprocess.CompletedProcess(argv, process.returncode, output)


def _rel(root: Path, path: Path) -> str:
    return str(path.relative_to(root))


# --- .ci/run --------------------------------------------------------------------------


def readme_test_command(root: Path) -> str:
    """The README's command for every test: the ``make test`` line of its fenced shell block."""
    text = (root / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"^```(?:sh|bash|console)\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command.startswith("make test"):
                return command
    raise AssertionError("README.md has no fenced shell block with the `make test` line")


def ci_run(root: Path) -> list[str]:
    """Run ``.ci/run`` with the README command's program replaced by one that
    fails: the run must fail too (no ``|| true``, ``set +e``, ``; true``, ``&``...)."""
    script = root / ".ci" / "run"
    argv = shlex.split(readme_test_command(root))
    with tempfile.TemporaryDirectory(prefix="guard-ci-run-") as tmp:
        record = Path(tmp) / "called"
        fake = Path(tmp) / argv[0]
        fake.write_text(f'#!/bin/sh\necho "$@" >> {shlex.quote(str(record))}\nexit 3\n')
        fake.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
        env["PATH"] = f"{tmp}{os.pathsep}{env['PATH']}"
        done = _run([str(script)], env=env, cwd=tmp)
        ran = record.read_text().splitlines() if record.is_file() else []
    where = _rel(root, script)
    for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"\s*set\s+(\+\w*e|.*\+o\s+(errexit|pipefail))", line):
            return [
                (
                    f"{where}:{number}: `{line.strip()}` lets a failing command pass: "
                    "keep `set -euo pipefail` for the whole script"
                )
            ]
    if shlex.join(argv[1:]) not in ran:
        return [f"{where}: it never runs the README's test command `{shlex.join(argv)}`: run it"]
    if done.returncode == 0:
        return [
            (
                f"{where}: `{shlex.join(argv)}` failed and .ci/run still exited 0, so CI would pass "
                "with failing tests: run the command as it is, under `set -euo pipefail`, with "
                "nothing after it that hides its status (`|| true`, `; true`, `set +e`, `&`)"
            )
        ]
    return []


# --- continue-on-error ---------------------------------------------------------------


def _mapping_pairs(node):
    """Every (key node, value node) of every mapping under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key, value
            yield from _mapping_pairs(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _mapping_pairs(item)


def workflow_files(root: Path) -> list[Path]:
    folder = root / ".github" / "workflows"
    return sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))


def continue_on_error(root: Path) -> list[str]:
    """``continue-on-error`` on a job or a step lets it fail while the run passes."""
    problems = []
    for path in workflow_files(root):
        tree = yaml.compose(path.read_text(encoding="utf-8"))
        for key, value in _mapping_pairs(tree):
            if key.value == "continue-on-error" and str(value.value).lower() != "false":
                problems.append(
                    f"{_rel(root, path)}:{key.start_mark.line + 1}: `continue-on-error: "
                    f"{value.value}` lets a failing job or step pass the run: remove it "
                    "(fix or mark the failing test instead)"
                )
    return problems


# --- which tests make test runs --------------------------------------------------------

# pytest options that run fewer tests than all of them, and those that take a value.
SELECTING = ("-k", "-m", "--ignore", "--ignore-glob", "--deselect", "--lf", "--last-failed")
SELECTING += ("--sw", "--stepwise", "--stepwise-skip", "--co", "--collect-only", "--pyargs")
SELECTING += ("--only-rerun", "--last-failed-no-failures", "--lfnf")
WITH_VALUE = {"-n", "--dist", "-p", "-W", "-o", "-c", "-r", "--tb", "--junitxml", "--maxfail"}
WITH_VALUE |= {"--durations", "--basetemp", "--rootdir", "--timeout", "--numprocesses"}


def selecting(args: list[str], where: str) -> list[str]:
    """The options and paths in ``args`` that leave tests out."""
    problems = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name = arg.split("=", 1)[0]
        short = arg[:2] if re.fullmatch(r"-[km].+", arg) else None
        if name in SELECTING or short in SELECTING:
            takes = name in {"-k", "-m", "--ignore", "--ignore-glob", "--deselect"}
            if takes and "=" not in arg and short is None and rest:
                arg = shlex.join([arg, rest.pop(0)])
            problems.append((arg, f"`{arg}` leaves tests out"))
        elif arg in WITH_VALUE:
            rest = rest[1:]
        elif not arg.startswith("-") and arg.rstrip("/") != "tests":
            problems.append((arg, f"`{arg}` runs only that path instead of every test file"))
    file = where.split(":")[0]
    return [
        f"{where}: {why}: remove it (or add {file + ': ' + arg!r} to REVIEWED_EXCLUSIONS in "
        "tools/guards.py with the reason, for review)"
        for arg, why in problems
        if f"{file}: {arg}" not in REVIEWED_EXCLUSIONS
    ]


def _line_of(path: Path, pattern: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.search(pattern, line):
            return number
    return 1


def test_files(root: Path) -> list[Path]:
    return sorted((root / "tests").rglob("test_*.py"))


def make_test_runs(root: Path) -> tuple[int, list[list[str]], str]:
    """Run ``make test`` in ``root`` with a stand-in for the virtualenv's python
    that records each call and fails the pytest run: (make's exit status, the
    calls, PYTEST_ADDOPTS as make passed it)."""
    with tempfile.TemporaryDirectory(prefix="guard-make-test-") as tmp:
        bin_, venv, record = Path(tmp) / "bin", Path(tmp) / "venv", Path(tmp) / "calls"
        bin_.mkdir()
        venv.mkdir()
        installed = venv / ".installed"  # the virtualenv is up to date: nothing to install
        installed.touch()
        os.utime(installed, (2**33, 2**33))
        fake = bin_ / "python"
        fake.write_text(
            "#!/bin/sh\n"
            f'printf "%s\\0" "$PYTEST_ADDOPTS" "$@" >> {shlex.quote(str(record))}\n'
            f"printf '\\n' >> {shlex.quote(str(record))}\n"
            'if [ "$1 $2" = "-m pytest" ]; then exit 3; fi\n'
        )
        fake.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
        for name in ("PAGE", "FRESH", "PYTEST_ADDOPTS"):
            env.pop(name, None)
        done = _run(["make", "-s", "test", f"BIN={bin_}", f"VENV={venv}"], cwd=root, env=env)
        calls = record.read_text().split("\0\n") if record.is_file() else []
    runs = [call.split("\0") for call in calls if call]
    addopts = next((run[0] for run in runs if run[1:3] == ["-m", "pytest"]), "")
    return done.returncode, [run[1:] for run in runs], addopts


def _pytest_ini(root: Path) -> tuple[dict, Path]:
    pyproject = root / "pyproject.toml"
    with open(pyproject, "rb") as file:
        tool = tomllib.load(file).get("tool", {})
    pytest_table = tool.get("pytest", {})
    return {**pytest_table, **pytest_table.get("ini_options", {})}, pyproject


def test_selection(root: Path) -> list[str]:
    """``make test`` runs pytest on every test file, and fails when it fails."""
    problems = []
    makefile = root / "Makefile"
    where = f"Makefile:{_line_of(makefile, r'^test:') + 1}"
    status, runs, env_addopts = make_test_runs(root)
    pytest_runs = [run for run in runs if run[:2] == ["-m", "pytest"]]
    if not pytest_runs:
        problems.append(
            f"{where}: `make test` never runs `$(BIN)/python -m pytest`: run every test that way"
        )
    elif status == 0:
        problems.append(
            f"{where}: pytest failed and `make test` still passed: remove what hides "
            "its status (`|| true`, a leading `-`, `; exit 0`)"
        )
    for run in pytest_runs:
        problems += selecting(run[2:], where)
    problems += selecting(shlex.split(env_addopts), f"{where} (PYTEST_ADDOPTS)")

    ini, pyproject = _pytest_ini(root)
    addopts = ini.get("addopts", "")
    addopts = shlex.split(addopts) if isinstance(addopts, str) else list(addopts)
    problems += selecting(addopts, f"pyproject.toml:{_line_of(pyproject, r'^addopts')}")
    files = test_files(root)
    for key, default in [("testpaths", None), ("norecursedirs", None), ("python_files", None)]:
        patterns = ini.get(key, default)
        if patterns is None:
            continue
        patterns = patterns.split() if isinstance(patterns, str) else patterns
        line = f"pyproject.toml:{_line_of(pyproject, rf'^{key}')}"
        left = []
        for file in files:
            relative = file.relative_to(root)
            if key == "testpaths":
                left_out = not any(relative.is_relative_to(p.rstrip("/")) for p in patterns)
            elif key == "norecursedirs":
                left_out = any(
                    fnmatch.fnmatch(part, p) for part in relative.parts[:-1] for p in patterns
                )
            else:
                left_out = not any(fnmatch.fnmatch(file.name, p) for p in patterns)
            if left_out and f"pyproject.toml: {key} {relative}" not in REVIEWED_EXCLUSIONS:
                left.append(str(relative))
        if left:
            more = f" and {len(left) - 3} more" if len(left) > 3 else ""
            problems.append(
                f"{line}: `{key} = {patterns}` leaves out {', '.join(left[:3])}{more}: "
                "let pytest collect every test file under tests/"
            )
    for key in ("python_classes", "python_functions"):
        if key in ini:
            problems.append(
                f"pyproject.toml:{_line_of(pyproject, rf'^{key}')}: `{key}` changes which "
                "tests pytest collects: remove it and keep pytest's default"
            )
    for name in ("pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg"):
        path = root / name
        if path.is_file() and re.search(
            r"^\[(pytest|tool:pytest)\]", path.read_text(encoding="utf-8"), re.MULTILINE
        ):
            problems.append(
                f"{name}:1: pytest may read its configuration here instead of pyproject.toml: "
                "remove the file (or its pytest section); configure pytest in pyproject.toml"
            )
    problems += collection_hooks(root)
    return problems


COLLECTION_HOOKS = {
    "pytest_collection_modifyitems",
    "pytest_ignore_collect",
    "pytest_collect_file",
    "pytest_pycollect_makemodule",
    "pytest_pycollect_makeitem",
}


def collection_hooks(root: Path, reviewed: dict[str, str] = REVIEWED_EXCLUSIONS) -> list[str]:
    """Code under tests/ that can drop test files or tests at collection."""
    problems = []
    for path in sorted((root / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in COLLECTION_HOOKS:
                what, line = node.name, node.lineno
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                names = [n for n in names if n in {"collect_ignore", "collect_ignore_glob"}]
                if not names:
                    continue
                what, line = names[0], node.lineno
            else:
                continue
            key = f"{_rel(root, path)}: {what}"
            if key not in reviewed:
                problems.append(
                    f"{_rel(root, path)}:{line}: `{what}` can leave tests out of `make test`: "
                    f"remove it, or add {key!r} to REVIEWED_EXCLUSIONS in tools/guards.py "
                    "with the reason, for review"
                )
    return problems


# --- the commands the documents show ------------------------------------------------

FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
SPAN = re.compile(r"(?<!`)(`+)(?!`)((?:(?!\n\s*\n).)+?)(?<!`)\1(?!`)", re.DOTALL)


def shown_commands(path: Path) -> list[tuple[int, str]]:
    """(line, command) of each command a Markdown document shows: each line
    of its shell fences (split at ``&&``, ``;`` and ``|``) and each code span
    that starts with ``make``, ``python -m`` or ``.venv/bin/``. The table of
    the fault suite quotes mistakes, not commands: it is left out."""
    from tools.faults import END, START

    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[tuple[int, str]] = []
    prose = []
    fence, shell = None, False
    in_faults = False
    for number, line in enumerate(lines, 1):
        in_faults = (in_faults or line.strip() == START) and line.strip() != END
        if in_faults:
            prose.append("")
            continue
        opened = FENCE.match(line)
        if fence is None and opened and not (opened[1][0] == "`" and "`" in opened[2]):
            fence = opened[1]
            shell = opened[2].strip().split(" ")[0] in {"sh", "bash", "console", "shell"}
            prose.append("")
            continue
        if fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
            elif shell:
                command = line.split("#", 1)[0].strip().removeprefix("$ ")
                for part in re.split(r"&&|;|\|", command):
                    if part.strip():
                        found.append((number, part.strip()))
            prose.append("")
            continue
        prose.append(line)
    text = "\n".join(prose)
    for span in SPAN.finditer(text):
        command = " ".join(span[2].split())
        if re.match(r"make\s|(\.venv/bin/)?python3? -m\s|\.venv/bin/\S", command):
            found.append((text.count("\n", 0, span.start()) + 1, command))
    return sorted(found)


def make_targets(root: Path) -> set[str]:
    text = (root / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([\w.-]+)\s*:(?!=)", text, re.MULTILINE))


@cache
def _help(root: Path, module: str) -> str | None:
    done = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        check=False,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    return done.stdout if done.returncode == 0 else None


def _module_exists(root: Path, module: str) -> bool:
    path = root.joinpath(*module.split("."))
    if path.with_suffix(".py").is_file() or (path / "__main__.py").is_file():
        return True
    if (root / module.split(".")[0]).exists():  # one of the project's: it must be there
        return False
    return importlib.util.find_spec(module) is not None


def documented_commands(root: Path, documents: list[str] = DOCUMENTS) -> list[str]:
    """Every ``make`` target, module and .venv tool a document shows exists."""
    problems = []
    targets = make_targets(root)
    venv_bin = Path(sys.executable).parent
    for document in documents:
        path = root / document
        if not path.is_file():
            continue
        for line, command in shown_commands(path):
            where = f"{document}:{line}: `{command}`"
            if "…" in command.split()[0]:  # `.venv/bin/…`: any of them, not a command
                continue
            try:
                words = shlex.split(command.replace("…", "x"))
            except ValueError:
                words = command.split()
            if words[0] == "make":
                for target in [w for w in words[1:] if not w.startswith("-") and "=" not in w]:
                    if target not in targets:
                        problems.append(
                            f"{where}: the Makefile has no target `{target}`: add the "
                            "target or correct the document"
                        )
                continue
            if words[0].startswith(".venv/bin/") and not words[0].endswith(("/python", "python3")):
                if not (venv_bin / Path(words[0]).name).exists():
                    problems.append(
                        f"{where}: `make setup` installs no {words[0]} (requirements.lock): "
                        "correct the document"
                    )
                continue
            if len(words) >= 3 and words[1] == "-m":
                module = words[2]
                if not _module_exists(root, module):
                    problems.append(f"{where}: there is no module {module}: correct the document")
                    continue
                options = [w.split("=")[0] for w in words[3:] if w.startswith("--")]
                if options and (root / module.split(".")[0]).is_dir():
                    helped = _help(root, module)
                    if helped is None:
                        problems.append(f"{where}: `python -m {module} --help` fails: fix it")
                    else:
                        problems += [
                            f"{where}: {module} has no option {option}: correct the document"
                            for option in options
                            if option not in helped
                        ]
    return problems


# --- pre-commit ---------------------------------------------------------------------

PRECOMMIT = ".pre-commit-config.yaml"
HOOKS_DOCUMENT = "CONTRIBUTING.md"  # the contributor's path: its table is the reference
HOOK_ROW = re.compile(r"^\| `(?P<id>[\w-]+)` \| `(?P<entry>[^`]+)`[^|]*\| `(?P<files>[^`]*)` \|$")


def documented_hooks(root: Path) -> dict[str, tuple[int, str, str]]:
    """id -> (line, entry, files) of each row of CONTRIBUTING.md's hook table."""
    rows = {}
    text = (root / HOOKS_DOCUMENT).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if row := HOOK_ROW.match(line):
            rows[row["id"]] = (number, row["entry"], row["files"].replace("\\|", "|"))
    return rows


def precommit_hooks(root: Path) -> list[str]:
    """The hooks of .pre-commit-config.yaml are those CONTRIBUTING.md's table
    lists, each with the command and the files it shows."""
    config = root / PRECOMMIT
    documented = documented_hooks(root)
    if not documented:
        return [
            (
                f"{HOOKS_DOCUMENT}:1: no table of the pre-commit hooks "
                "(| `id` | `entry` | `files` |): list the hooks of .pre-commit-config.yaml there"
            )
        ]
    tree = yaml.compose(config.read_text(encoding="utf-8"))
    configured = {}
    for key, value in _mapping_pairs(tree):
        if key.value == "hooks":
            for hook in value.value:
                fields = {k.value: v.value for k, v in hook.value if isinstance(v, yaml.ScalarNode)}
                configured[fields.get("id")] = (hook.start_mark.line + 1, fields)
    problems = []
    for hook_id, (line, entry, files) in documented.items():
        if hook_id not in configured:
            problems.append(
                f"{PRECOMMIT}: the hook `{hook_id}` ({HOOKS_DOCUMENT}:{line}) is missing: "
                "restore it, or take it out of the table if it is to go"
            )
            continue
        at, fields = configured[hook_id]
        for name, shown in [("entry", entry), ("files", files)]:
            if fields.get(name, "") != shown:
                problems.append(
                    f"{PRECOMMIT}:{at}: hook `{hook_id}` has {name} `{fields.get(name, '')}`, "
                    f"{HOOKS_DOCUMENT}:{line} says `{shown}`: make them agree"
                )
    for hook_id, (at, _) in configured.items():
        if hook_id not in documented:
            problems.append(
                f"{PRECOMMIT}:{at}: the hook `{hook_id}` is not in {HOOKS_DOCUMENT}'s table of "
                "hooks: add it there"
            )
    return problems


# --- requirements.lock --------------------------------------------------------------

PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[\w,.-]+\])?==[\w.!+-]+(\s*;\s*[^#\\]+)?\s*\\?$")
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}\s*\\?$")


def lock_pins(root: Path) -> list[str]:
    """Each requirement of requirements.lock is `name==version` (and, once the
    lock has hashes, every requirement has them)."""
    path = root / "requirements.lock"
    lines = path.read_text(encoding="utf-8").splitlines()
    hashed = any(HASH.match(line) for line in lines)
    problems = []
    for number, line in enumerate(lines, 1):
        bare = line.split(" #", 1)[0].rstrip()
        if not bare or bare.startswith("#") or (hashed and HASH.match(bare)):
            continue
        if not PIN.match(bare):
            problems.append(
                f"requirements.lock:{number}: `{line.strip()}` does not pin one version: "
                "write `name==version` (the version `make lock` resolves)"
            )
        elif hashed and not (number < len(lines) and HASH.match(lines[number])):
            problems.append(
                f"requirements.lock:{number}: `{bare}` has no `--hash=sha256:`: add it as the "
                "other requirements have"
            )
    return problems


def installed_requires_python(name: str, version: str) -> str | None:
    """The ``Requires-Python`` of ``name`` at ``version`` in this virtualenv
    (None: not installed at that version, or no such field)."""
    from importlib import metadata

    try:
        found = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    return found.metadata.get("Requires-Python") if found.version == version else None


def lock_python(root: Path, requires_python=installed_requires_python) -> list[str]:
    """Each release requirements.lock pins allows the oldest Python that
    pyproject.toml's ``requires-python`` admits (a contributor's Debian 12 has
    3.11.2; a release that needs 3.11.5 makes ``make setup`` fail there)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    supported = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    supported = supported["project"]["requires-python"]
    oldest = Version(re.search(r">=\s*([\d.]+)", supported).group(1))
    problems = []
    lines = (root / "requirements.lock").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not (pin := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([\w.!+-]+)", line)):
            continue
        name, version = pin.groups()
        needs = requires_python(name, version)
        if needs and oldest not in SpecifierSet(needs):
            problems.append(
                f"requirements.lock:{number}: {name} {version} needs Python {needs}, and the "
                f"project supports {supported} (pyproject.toml; Debian 12's python3 is 3.11.2): "
                f"pin the newest {name} that installs on Python {oldest} (`make lock "
                "PYTHON=python3.11` with the oldest 3.11 you have resolves it)"
            )
    return problems


# --- the actions' commits -------------------------------------------------------------

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>\S+))?")


def action_tags(root: Path) -> dict[tuple[str, str], str]:
    """(repository, commit) -> tag, from the table read from the actions' repositories."""
    table = json.loads((root / ACTION_TAGS).read_text(encoding="utf-8"))
    return {(row["repo"], row["commit"]): row["tag"] for row in table["tags"]}


def action_pins(root: Path) -> list[str]:
    """Each ``uses: owner/repo@SHA # TAG`` names a commit the table lists for
    that repository, and the tag the table gives that commit."""
    known = action_tags(root)
    problems = []
    for path in workflow_files(root):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = USES.match(line)
            if not found or found["ref"].startswith(("./", "$/")) or "@" not in found["ref"]:
                continue
            action, sha = found["ref"].split("@", 1)
            repo = "/".join(action.split("/")[:2])
            where = f"{_rel(root, path)}:{number}: {action}@{sha}"
            tag = known.get((repo, sha))
            if tag is None:
                problems.append(
                    f"{where}: not a commit {ACTION_TAGS} lists for {repo}: pin the commit "
                    f"of a release (`git rev-parse TAG^{{commit}}` in {repo}'s repository) "
                    f"and add repository, tag, commit and the date you read it to {ACTION_TAGS}"
                )
            elif found["comment"] != tag:
                problems.append(
                    f"{where}: the comment says {found['comment']}, but that commit is {tag} "
                    f"({ACTION_TAGS}): write `# {tag}`"
                )
    return problems
