from basestation.cli import main

main()
