"""``wangge demo`` leaves a family whose phone signs in with a code from the outbox, and says how."""

import io
import re

from django.core.management import call_command

from wangge.audit.context import Actor
from wangge.messaging.models import OutboxMessage
from wangge.people.selectors import acts_for
from wangge.portal import services


def test_the_demo_prints_a_resident_login_that_works(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    err = io.StringIO()
    call_command("demo", "--residents", "2000", "--city-only", stdout=io.StringIO(), stderr=err)
    said = re.search(r"/accounts/login/phone/，输入手机号 (1\d{10})", err.getvalue())
    assert said, err.getvalue()
    phone = said.group(1)
    services.sign_in_code_send(actor=Actor(user=None, ip_address="10.1.1.1"), phone=phone)
    code = re.search(r"\d{6}", OutboxMessage.objects.get(recipient=phone).text).group()
    user = services.sign_in_verify(actor=Actor(user=None, ip_address="10.1.1.1"), phone=phone, code=code)
    people = list(acts_for(user))
    assert len(people) >= 3 and len({p.household_id for p in people}) == 1
