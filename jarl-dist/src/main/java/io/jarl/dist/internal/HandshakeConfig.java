package io.jarl.dist.internal;

import io.jarl.dist.Cookie;
import io.jarl.dist.NodeName;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What this node brings to a handshake: its name and creation, the cookie, whether it is hidden,
 * the flags it offers and requires, the setup time, and which peers may connect (OTP: the
 * {@code #hs_data{}} fields {@code net_kernel} fills in, {@code -hidden}, {@code net_setuptime},
 * {@code net_kernel:allow/1}).
 *
 * <p>Immutable; the {@code with...} methods return changed copies.
 *
 * @param self this node's name; empty for a node that asks the acceptor to name it (dynamic name:
 *     only {@link #host()} is sent, with {@link DistFlags#NAME_ME})
 * @param host this node's host, used for a dynamic name (equal to {@code self.host()} otherwise)
 * @param creation this node's creation from EPMD (0 for a dynamic name, which gets one from the peer)
 * @param cookie the cookie both sides must share
 * @param hidden whether this node is hidden: it does not offer {@link DistFlags#PUBLISHED}, so
 *     peers list it in {@code nodes(hidden)} and do not run {@code global} with it
 * @param offered the flags offered, without {@link DistFlags#PUBLISHED} (added unless hidden)
 * @param required the flags a peer must offer (after expanding the OTP 25 digest)
 * @param setupTime the bound on each step of the handshake (OTP: {@code net_setuptime}, 7 s)
 * @param allowed which peers may connect to this node (OTP: {@code net_kernel:allow/1}; all by
 *     default). A restricted node refuses peers asking for a dynamic name.
 */
public record HandshakeConfig(Optional<NodeName> self, String host, int creation, Cookie cookie, boolean hidden,
        long offered, long required, Duration setupTime, Predicate<NodeName> allowed) {

    /** OTP's {@code ?SETUPTIME}: 7 seconds per step. */
    public static final Duration DEFAULT_SETUP_TIME = Duration.ofSeconds(7);

    private static final Predicate<NodeName> ALLOW_ALL = new Predicate<>() {
        @Override
        public boolean test(NodeName node) {
            return true;
        }

        @Override
        public String toString() {
            return "all nodes";
        }
    };

    public HandshakeConfig {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(setupTime, "setupTime");
        Objects.requireNonNull(allowed, "allowed");
        if (self.isPresent() && !self.get().host().equals(host)) {
            throw new IllegalArgumentException("host " + host + " is not the host of " + self.get());
        }
        if (self.isPresent() && creation == 0) {
            throw new IllegalArgumentException("a node with a name needs a creation other than 0 (from EPMD)");
        }
        if (setupTime.isNegative() || setupTime.isZero()) {
            throw new IllegalArgumentException("setupTime must be positive: " + setupTime);
        }
        long missing = DistFlags.missing(required, offered);
        if (missing != 0) {
            throw new IllegalArgumentException("the offered flags lack required ones: " + DistFlags.names(missing));
        }
        if ((offered & (DistFlags.PUBLISHED | DistFlags.NAME_ME | DistFlags.INTERNAL)) != 0) {
            throw new IllegalArgumentException("PUBLISHED and NAME_ME follow from hidden and the name, and "
                    + DistFlags.names(DistFlags.INTERNAL) + " are internal to the BEAM: "
                    + DistFlags.names(offered & (DistFlags.PUBLISHED | DistFlags.NAME_ME | DistFlags.INTERNAL)));
        }
        if ((offered & DistFlags.HANDSHAKE_23) == 0) {
            throw new IllegalArgumentException("Jarl speaks the version 6 handshake only: HANDSHAKE_23 must be offered");
        }
    }

    /**
     * The configuration of a visible node {@code self} with the creation EPMD gave it and
     * {@code cookie}: Jarl's default flags ({@link DistFlags#DEFAULT_OFFERED} and
     * {@link DistFlags#DEFAULT_REQUIRED}), the 7 s setup time, every peer allowed.
     */
    public static HandshakeConfig of(NodeName self, int creation, Cookie cookie) {
        return new HandshakeConfig(Optional.of(self), self.host(), creation, cookie, false, DistFlags.DEFAULT_OFFERED,
                DistFlags.DEFAULT_REQUIRED, DEFAULT_SETUP_TIME, ALLOW_ALL);
    }

    /**
     * The configuration of a node on {@code host} without a name of its own, which asks each node
     * it dials to name it (OTP: {@code net_kernel:start(undefined, ...)}); such a node is hidden and
     * cannot accept connections.
     */
    public static HandshakeConfig dynamic(String host, Cookie cookie) {
        return new HandshakeConfig(Optional.empty(), host, 0, cookie, true, DistFlags.DEFAULT_OFFERED,
                DistFlags.DEFAULT_REQUIRED, DEFAULT_SETUP_TIME, ALLOW_ALL);
    }

    /** This configuration, hidden or visible. */
    public HandshakeConfig withHidden(boolean hidden) {
        return new HandshakeConfig(self, host, creation, cookie, hidden, offered, required, setupTime, allowed);
    }

    /** This configuration with another cookie. */
    public HandshakeConfig withCookie(Cookie cookie) {
        return new HandshakeConfig(self, host, creation, cookie, hidden, offered, required, setupTime, allowed);
    }

    /** This configuration with another setup time per step. */
    public HandshakeConfig withSetupTime(Duration setupTime) {
        return new HandshakeConfig(self, host, creation, cookie, hidden, offered, required, setupTime, allowed);
    }

    /** This configuration offering and requiring other flags. */
    public HandshakeConfig withFlags(long offered, long required) {
        return new HandshakeConfig(self, host, creation, cookie, hidden, offered, required, setupTime, allowed);
    }

    /** This configuration letting only the peers {@code allowed} accepts connect. */
    public HandshakeConfig withAllowed(Predicate<NodeName> allowed) {
        return new HandshakeConfig(self, host, creation, cookie, hidden, offered, required, setupTime, allowed);
    }

    /** Whether some peers are refused. */
    boolean restricted() {
        return allowed != ALLOW_ALL;
    }

    /**
     * The flags this node sends to a peer (OTP: {@code make_this_flags/6}): the offered ones plus
     * {@link DistFlags#PUBLISHED} unless hidden, or {@link DistFlags#NAME_ME} instead of it when a
     * dynamic name is involved (ours, or the peer's request).
     */
    long flagsFor(boolean dynamicName) {
        if (dynamicName) {
            return offered | DistFlags.NAME_ME;
        }
        return hidden ? offered : offered | DistFlags.PUBLISHED;
    }

    @Override
    public String toString() {
        return "HandshakeConfig[" + self.map(NodeName::toString).orElse("dynamic@" + host) + ", creation "
                + Integer.toUnsignedString(creation) + (hidden ? ", hidden" : ", visible") + ", offered 0x"
                + Long.toHexString(offered) + ", required 0x" + Long.toHexString(required) + ", setup time "
                + setupTime.toMillis() + " ms, allowed " + allowed + "]";
    }
}
