from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarantineConfig(AppConfig):
    name = "wangge.quarantine"
    verbose_name = _("隔离管理")

    def ready(self) -> None:
        # Health knows no quarantine: it asks who is held under an order, and lists the gaps it is told of.
        from wangge.health.hooks import held_under_order, next_steps
        from wangge.health.selectors import register_gap_list
        from wangge.quarantine.selectors import OVERDUE_TESTS, order_next_steps, residents_under_active_order

        held_under_order.connect(residents_under_active_order)
        next_steps.connect(order_next_steps)
        register_gap_list(OVERDUE_TESTS)
