import sys

from anylabel.cli.main import main

sys.exit(main())
