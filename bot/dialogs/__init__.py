"""Guided flows (the Dialog protocol of bot.engine): one module per flow."""
