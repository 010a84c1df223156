from readlist.cli import main

main()
