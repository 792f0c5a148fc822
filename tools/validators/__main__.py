import sys

from tools.validators import main

sys.exit(main(sys.argv[1:]))
