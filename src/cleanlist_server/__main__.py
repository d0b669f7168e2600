from cleanlist_server.cli.main import main

main()
