"""A network namespace of the test run's own, joined to this machine by a
veth pair: the host side gets ``host_ip``, the namespace ``ns_ip`` (a /30
between them).  Boards live behind it, so test traffic never leaves this
machine.  Needs root and ``ip`` (iproute2)."""
import os
import subprocess


class Namespace:
    count = 0

    def __init__(self, prefix, subnet):
        # unique per run and per board, also for several in one process
        Namespace.count += 1
        self.name = '%s%d%d' % (prefix, os.getpid() % 1000000,
                                Namespace.count % 10)
        n = (os.getpid() * 7 + Namespace.count) % 250 + 1
        self.host_ip = '10.%d.%d.1' % (subnet, n)
        self.ns_ip = '10.%d.%d.2' % (subnet, n)
        self.host_if = self.name + 'h'
        self.created = False

    def ip(self, *args, check=True):
        """``ip ARGS`` inside the namespace."""
        return run(['ip', 'netns', 'exec', self.name, 'ip'] + list(args),
                   check)

    def create(self):
        """Make it; RuntimeError (with ip's words) if this machine can't."""
        self.delete()  # one of this name, left by a run that was killed
        self.remove_stale(self.name[:4])
        ns_if = self.name + 'b'
        try:
            run(['ip', 'netns', 'add', self.name])
            self.created = True
            run(['ip', 'link', 'add', self.host_if, 'type', 'veth', 'peer',
                 'name', ns_if])
            run(['ip', 'link', 'set', ns_if, 'netns', self.name])
            run(['ip', 'addr', 'add', self.host_ip + '/30', 'dev',
                 self.host_if])
            run(['ip', 'link', 'set', self.host_if, 'up'])
            self.ip('addr', 'add', self.ns_ip + '/30', 'dev', ns_if)
            self.ip('link', 'set', ns_if, 'up')
            self.ip('link', 'set', 'lo', 'up')
        except (OSError, subprocess.CalledProcessError) as exc:
            self.delete()
            err = getattr(exc, 'stderr', b'') or b''
            raise RuntimeError('cannot make network namespace %s: %s %s' % (
                self.name, exc, err.decode(errors='replace').strip()))
        return self

    @staticmethod
    def remove_stale(prefix):
        """Namespaces of this kind whose run (the pid in the name) is gone:
        a killed run leaves its namespace, veth and routes behind."""
        out = run(['ip', 'netns', 'list'], check=False).stdout.decode()
        for line in out.splitlines():
            name = line.split()[0] if line.strip() else ''
            pid = name[len(prefix):-1]
            if name.startswith(prefix) and pid.isdigit() and \
                    not os.path.exists('/proc/%s' % pid):
                run(['ip', 'netns', 'del', name], check=False)
                run(['ip', 'link', 'del', name + 'h'], check=False)

    def delete(self):
        run(['ip', 'netns', 'del', self.name], check=False)
        run(['ip', 'link', 'del', self.host_if], check=False)
        self.created = False


def run(cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True)
