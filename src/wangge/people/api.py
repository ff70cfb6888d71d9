from ninja import Router

router = Router(tags=["居民"])
