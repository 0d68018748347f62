package io.jarl.dist;

/**
 * A remote procedure call that failed on the node that ran it (OTP: {@code {badrpc, Reason}}): an
 * undefined or unexported function, or one that raised.
 */
public final class RpcException extends RuntimeException {
    private final String node;
    private final transient Object reason;

    public RpcException(String node, String function, Object reason) {
        super("rpc to " + node + " of " + function + " failed: " + reason);
        this.node = node;
        this.reason = reason;
    }

    /** The node that was called. */
    public String node() {
        return node;
    }

    /** The {@code badrpc} reason, as a term. */
    public Object reason() {
        return reason;
    }
}
