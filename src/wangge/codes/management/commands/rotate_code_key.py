from django.core.management.base import BaseCommand

from wangge.codes import keys


class Command(BaseCommand):
    help = "更换健康码签名密钥：旧密钥继续公布并验码，直到它签发的码全部过期"

    def handle(self, *args, **options):
        key = keys.rotate()
        published = ", ".join(k.kid for k in keys.jwks())
        self.stdout.write(f"new signing key {key.kid}; published: {published}")
