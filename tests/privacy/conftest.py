from tests.activities.conftest import acts

__all__ = ["acts"]
