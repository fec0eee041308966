"""The `smus` command and the synth driver that `main.py` and `cdktf.json` share."""
