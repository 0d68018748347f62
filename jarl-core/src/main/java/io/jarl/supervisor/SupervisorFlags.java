package io.jarl.supervisor;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Supervisor} restarts its children (OTP: {@code sup_flags()}).
 *
 * <p>The defaults are OTP's, not Elixir's: at most {@value #DEFAULT_INTENSITY} restart within
 * {@link #DEFAULT_PERIOD} (5 s); Elixir's {@code Supervisor} allows 3 in 5 s. Say what you mean:
 * {@code SupervisorFlags.oneForOne().withIntensity(3).withPeriod(Duration.ofSeconds(5))}.
 *
 * <p>When a restart would make more than {@code intensity} restarts within the last {@code period},
 * the supervisor terminates all its children and exits with {@code shutdown}; its own supervisor then
 * decides what to do (escalation).
 *
 * @param strategy     which children are restarted together
 * @param intensity    how many restarts are allowed within {@code period} (OTP: {@code intensity}); {@code >= 0}
 * @param period       the sliding window of the intensity (OTP: {@code period}, in seconds there); positive
 * @param autoShutdown whether the exit of significant children shuts the supervisor down
 * @param ticker       the clock of the restart window; {@link Ticker#system()} but in tests
 */
public record SupervisorFlags(Strategy strategy, int intensity, Duration period, AutoShutdown autoShutdown,
        Ticker ticker) {

    /** OTP's default intensity: 1 restart (Elixir's is 3). */
    public static final int DEFAULT_INTENSITY = 1;

    /** OTP's default period: 5 seconds (Elixir's too). */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    /**
     * @throws IllegalArgumentException if {@code intensity} is negative or {@code period} is not
     *         positive (OTP: {@code {invalid_intensity, _}}, {@code {invalid_period, _}})
     */
    public SupervisorFlags {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(autoShutdown, "autoShutdown");
        Objects.requireNonNull(ticker, "ticker");
        if (intensity < 0) {
            throw new IllegalArgumentException("invalid intensity: " + intensity + " (must be >= 0)");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("invalid period: " + period + " (must be positive)");
        }
    }

    /** {@code strategy} with OTP's defaults: intensity 1, period 5 s, auto-shutdown never, the system clock. */
    public static SupervisorFlags of(Strategy strategy) {
        return new SupervisorFlags(strategy, DEFAULT_INTENSITY, DEFAULT_PERIOD, AutoShutdown.NEVER, Ticker.system());
    }

    /** {@link Strategy#ONE_FOR_ONE} with OTP's defaults. */
    public static SupervisorFlags oneForOne() {
        return of(Strategy.ONE_FOR_ONE);
    }

    /** {@link Strategy#ONE_FOR_ALL} with OTP's defaults. */
    public static SupervisorFlags oneForAll() {
        return of(Strategy.ONE_FOR_ALL);
    }

    /** {@link Strategy#REST_FOR_ONE} with OTP's defaults. */
    public static SupervisorFlags restForOne() {
        return of(Strategy.REST_FOR_ONE);
    }

    public SupervisorFlags withStrategy(Strategy strategy) {
        return new SupervisorFlags(strategy, intensity, period, autoShutdown, ticker);
    }

    public SupervisorFlags withIntensity(int intensity) {
        return new SupervisorFlags(strategy, intensity, period, autoShutdown, ticker);
    }

    public SupervisorFlags withPeriod(Duration period) {
        return new SupervisorFlags(strategy, intensity, period, autoShutdown, ticker);
    }

    public SupervisorFlags withAutoShutdown(AutoShutdown autoShutdown) {
        return new SupervisorFlags(strategy, intensity, period, autoShutdown, ticker);
    }

    /** The clock of the restart-intensity window: tests pass one they advance by hand. */
    public SupervisorFlags withTicker(Ticker ticker) {
        return new SupervisorFlags(strategy, intensity, period, autoShutdown, ticker);
    }
}
