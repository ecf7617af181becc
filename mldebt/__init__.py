"""The `mldebt` command's front door: `scan` comes from rules/, `setup` from bot/setup/."""
