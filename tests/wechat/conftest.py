from tests.wechat.fixtures import fake, relay

__all__ = ["fake", "relay"]
