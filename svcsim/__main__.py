from svcsim.cli.main import main

main()
