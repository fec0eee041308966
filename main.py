"""The CDK Terrain app entry point (`cdktf.json` runs it): synthesise the estate described in config/accounts/."""

from smus_cli.app import main

if __name__ == "__main__":
    main()
