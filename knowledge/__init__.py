"""The knowledge base as data: articles.yaml and indicators.yaml, loaded by bot.knowledge."""
