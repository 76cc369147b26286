import multiprocessing
import sys

from anylabel.cli.main import main

if __name__ == "__main__":
    # A frozen (PyInstaller) build re-enters here in worker processes; this lets them start.
    multiprocessing.freeze_support()
    sys.exit(main())
