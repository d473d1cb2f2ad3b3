from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sanke.live.media.config import janus_config


class Command(BaseCommand):
    help = (
        "Write the configuration folder of the local Janus media server (VideoRoom only, HTTP and "
        "WebSocket API on 127.0.0.1). `make run` starts Janus with it: janus -F DEST -C DEST/janus.jcfg"
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", nargs="?", help="folder to write (default: <SANKE_VAR_DIR>/janus)")
        parser.add_argument("--http-port", type=int, default=8088, help="HTTP API port (default 8088)")
        parser.add_argument("--ws-port", type=int, default=8188, help="WebSocket API port (default 8188)")
        parser.add_argument("--rtp-range", default="20000-20999", help="UDP media ports, MIN-MAX")
        parser.add_argument("--interface", help="gather ICE candidates only on this interface or address")

    def handle(self, *args, dest=None, http_port, ws_port, rtp_range, interface=None, **options):
        dest = dest or settings.VAR_DIR / "janus"
        try:
            path = janus_config(
                dest,
                http_port=http_port,
                ws_port=ws_port,
                rtp_range=rtp_range,
                interface=interface,
                api_secret=settings.SANKE_JANUS_API_SECRET,
                token_secret=settings.SANKE_JANUS_TOKEN_SECRET,
                admin_key=settings.SANKE_JANUS_ADMIN_KEY,
            )
        except (FileNotFoundError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 0:
            self.stdout.write(f"Janus configuration written: {path}")
