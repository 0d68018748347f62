package io.jarl;

/**
 * A pid of this node known by its number only: the key that finds a process in the process table
 * (it equals the process's own pid), and the pid of a process that no longer runs when one arrives
 * from another node. Never alive.
 */
final class PidKey extends Pid {
    PidKey(long id) {
        super(id, null, 0);
    }

    @Override
    public boolean isAlive() {
        LocalProcess p = Kernel.NODE.table.get(this);
        return p != null && p.isAlive();
    }
}
