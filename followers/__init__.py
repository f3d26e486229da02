"""The followers service: the follow graph, counts, relationships, suggestions (Neo4j)."""
