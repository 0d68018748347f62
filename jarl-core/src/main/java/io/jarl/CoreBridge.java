package io.jarl;

import io.jarl.internal.Core;
import io.jarl.internal.Distribution;
import java.util.Optional;

/*
 * Implementation overview.
 *
 * The runtime's side of distribution (see io.jarl.internal.Core). Identifiers on the wire: a local
 * pid is (number = id & 0x0FFFFFFF, serial = id >>> 28) with this node's name and creation, as the
 * BEAM numbers its pids. A local reference is three 32-bit words (the counter's low 18 bits, then
 * the next 32, then the rest, as the BEAM lays out its reference words); an alias gets two more
 * words with its owner's pid id, so that an ALIAS_SEND coming back finds the owner without any
 * table of aliases. Whether the alias is still active is then checked by the owner, as for a local
 * send.
 */
final class CoreBridge implements Core {
    private final Kernel kernel;

    CoreBridge(Kernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public void install(Distribution distribution) {
        kernel.install(distribution);
    }

    @Override
    public void uninstall(Distribution distribution) {
        kernel.uninstall(distribution);
    }

    @Override
    public boolean atExit(Pid pid, Runnable hook) {
        return pid instanceof LocalProcess p && p.atExit(hook);
    }

    @Override
    public Pid localPid(int number, int serial) {
        long id = (number & 0x0FFF_FFFFL) | (serial & 0xFFFF_FFFFL) << 28;
        LocalProcess p = kernel.table.get(new PidKey(id));
        return p != null ? p : new PidKey(id);
    }

    @Override
    public int localNumber(Pid pid) {
        requireLocal(pid);
        return (int) (pid.id & 0x0FFF_FFFFL);
    }

    @Override
    public int localSerial(Pid pid) {
        requireLocal(pid);
        return (int) (pid.id >>> 28);
    }

    private static void requireLocal(Pid pid) {
        if (pid.node != null) {
            throw new IllegalArgumentException(pid + " is not a pid of this node");
        }
    }

    @Override
    public RemotePid remotePid(String node, int number, int serial, int creation) {
        return new RemotePid(node, number, serial, creation);
    }

    @Override
    public int[] localRefWords(Ref ref) {
        if (!ref.isLocal()) {
            throw new IllegalArgumentException(ref + " is not a reference of this node");
        }
        long id = ref.id;
        int w0 = (int) (id & 0x3FFFF), w1 = (int) (id >>> 18), w2 = (int) (id >>> 50);
        LocalProcess owner = ref.aliasOf;
        if (owner == null) {
            return new int[] {w0, w1, w2};
        }
        return new int[] {w0, w1, w2, (int) owner.id, (int) (owner.id >>> 32)};
    }

    @Override
    public Ref localRef(int[] words) {
        long id = (words[0] & 0x3FFFFL) | (words.length > 1 ? (words[1] & 0xFFFF_FFFFL) << 18 : 0)
                | (words.length > 2 ? (words[2] & 0xFFFF_FFFFL) << 50 : 0);
        LocalProcess owner = null;
        if (words.length == 5) {
            long ownerId = (words[3] & 0xFFFF_FFFFL) | (long) words[4] << 32;
            owner = kernel.table.get(new PidKey(ownerId));
        }
        return Ref.local(id, owner);
    }

    @Override
    public Ref remoteRef(String node, int creation, int[] words, boolean alias) {
        return Ref.remote(node, creation, words, alias);
    }

    @Override
    public int[] remoteRefWords(Ref ref) {
        if (ref.isLocal()) {
            throw new IllegalArgumentException(ref + " is a reference of this node");
        }
        return ref.words();
    }

    @Override
    public int remoteRefCreation(Ref ref) {
        return ref.creation;
    }

    private LocalProcess process(Pid pid) {
        return kernel.local(pid);
    }

    @Override
    public void deliver(Pid to, Object message) {
        process(to).deliver(message);
    }

    @Override
    public void deliver(String name, Object message) {
        kernel.whereis(name).ifPresent(p -> p.deliver(message));
    }

    @Override
    public void deliverToAlias(Ref alias, Object message) {
        LocalProcess owner = alias.aliasOf;
        if (owner != null) {
            owner.deliverToAlias(alias, message);
        }
    }

    @Override
    public boolean linked(RemotePid from, Pid to) {
        return process(to).remoteLinked(from);
    }

    @Override
    public void unlinked(RemotePid from, Pid to) {
        process(to).remoteUnlinked(from);
    }

    @Override
    public void exitSignal(RemotePid from, Pid to, ExitReason reason, boolean link) {
        LocalProcess p = process(to);
        if (link) {
            p.exitSignalIfLinked(from, reason);
        } else {
            p.exitSignal(from, reason, false);
        }
    }

    @Override
    public boolean monitored(RemotePid watcher, Ref ref, Pid target, Object object) {
        return process(target).remoteMonitored(watcher, ref, object);
    }

    @Override
    public Optional<Pid> whereis(String name) {
        return kernel.whereis(name).map(p -> p);
    }

    @Override
    public void demonitored(Pid target, Ref ref) {
        process(target).removeWatcher(ref);
    }

    @Override
    public void down(Pid watcher, Ref ref, Object object, ExitReason reason) {
        process(watcher).monitorDown(ref, object, reason);
    }

    @Override
    public void noprocDown(Ref ref, Object object) {
        process(Jarl.self()).monitorDown(ref, object, ExitReason.NOPROC, true);
    }

    @Override
    public void nodeDown(String node) {
        for (LocalProcess p : kernel.table.values()) {
            p.nodeDown(node);
        }
    }

    @Override
    public Pid outside() {
        return kernel.outside;
    }

    @Override
    public Thread ioThread(String name, Runnable body) {
        return kernel.newThread(name, body);
    }
}
