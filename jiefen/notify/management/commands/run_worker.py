"""manage.py run_worker: reminders, escalations and the notification outbox, on a schedule (jiefen/notify/worker.py)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from jiefen.notify import worker


class Command(BaseCommand):
    help = "后台工作进程：按计划进行到期提醒和超期督办，并发送短信、邮件通知。收到 SIGTERM 或 SIGINT 时完成本轮后退出。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只执行一轮后退出（可由 cron 等定时调用）")
        parser.add_argument("--interval", type=int, default=60, help="每轮之间的间隔秒数，默认 60")

    def handle(self, *args, once, interval, **options):
        if interval < 1:
            raise CommandError("--interval 至少为 1 秒")
        stop = threading.Event()

        def request_stop(signum, frame):
            # Only set the flag: the round in progress finishes, and the pause between rounds ends at once.
            stop.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            if not once:
                self.stdout.write(f"后台工作进程已启动，每 {interval} 秒一轮（Ctrl-C 停止）")
            worker.run(stop=stop, interval=interval, once=once, log=self.stdout.write)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if not once:
            self.stdout.write("后台工作进程已停止")
