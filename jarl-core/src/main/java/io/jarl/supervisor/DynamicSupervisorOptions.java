package io.jarl.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link DynamicSupervisor} runs (Elixir: the options of {@code DynamicSupervisor.init/1}).
 *
 * <p>The restart limits default to OTP's, as for {@link SupervisorFlags}: 1 restart in 5 seconds
 * (Elixir's {@code DynamicSupervisor} allows 3 in 5 s). Build with {@link #defaults()} and change what
 * differs: {@code DynamicSupervisorOptions.defaults().withIntensity(3).withMaxChildren(100)}.
 *
 * @param intensity      how many restarts are allowed within {@code period}; {@code >= 0}
 * @param period         the sliding window of the intensity; positive
 * @param maxChildren    the most children it runs at once (Elixir: {@code max_children});
 *                       {@link Integer#MAX_VALUE}, the default, is no limit ({@code :infinity})
 * @param extraArguments passed to every child's start function (Elixir: {@code extra_arguments},
 *                       prepended to the child's arguments); empty by default
 * @param autoShutdown   whether the exit of significant children shuts it down (OTP's
 *                       {@code simple_one_for_one} has it; Elixir's {@code DynamicSupervisor} does not);
 *                       {@link AutoShutdown#NEVER} by default
 * @param ticker         the clock of the restart window
 */
public record DynamicSupervisorOptions(int intensity, Duration period, int maxChildren, List<Object> extraArguments,
        AutoShutdown autoShutdown, Ticker ticker) {

    /** @throws IllegalArgumentException for a negative intensity or maxChildren, or a period that is not positive */
    public DynamicSupervisorOptions {
        Objects.requireNonNull(period, "period");
        extraArguments = List.copyOf(extraArguments);
        Objects.requireNonNull(autoShutdown, "autoShutdown");
        Objects.requireNonNull(ticker, "ticker");
        if (intensity < 0) {
            throw new IllegalArgumentException("invalid intensity: " + intensity + " (must be >= 0)");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("invalid period: " + period + " (must be positive)");
        }
        if (maxChildren < 0) {
            throw new IllegalArgumentException("invalid maxChildren: " + maxChildren + " (must be >= 0)");
        }
    }

    /** Intensity 1 in 5 s (OTP's defaults), no child limit, no extra arguments, no auto-shutdown. */
    public static DynamicSupervisorOptions defaults() {
        return new DynamicSupervisorOptions(SupervisorFlags.DEFAULT_INTENSITY, SupervisorFlags.DEFAULT_PERIOD,
                Integer.MAX_VALUE, List.of(), AutoShutdown.NEVER, Ticker.system());
    }

    public DynamicSupervisorOptions withIntensity(int intensity) {
        return new DynamicSupervisorOptions(intensity, period, maxChildren, extraArguments, autoShutdown, ticker);
    }

    public DynamicSupervisorOptions withPeriod(Duration period) {
        return new DynamicSupervisorOptions(intensity, period, maxChildren, extraArguments, autoShutdown, ticker);
    }

    public DynamicSupervisorOptions withMaxChildren(int maxChildren) {
        return new DynamicSupervisorOptions(intensity, period, maxChildren, extraArguments, autoShutdown, ticker);
    }

    public DynamicSupervisorOptions withExtraArguments(List<Object> extraArguments) {
        return new DynamicSupervisorOptions(intensity, period, maxChildren, extraArguments, autoShutdown, ticker);
    }

    public DynamicSupervisorOptions withAutoShutdown(AutoShutdown autoShutdown) {
        return new DynamicSupervisorOptions(intensity, period, maxChildren, extraArguments, autoShutdown, ticker);
    }

    public DynamicSupervisorOptions withTicker(Ticker ticker) {
        return new DynamicSupervisorOptions(intensity, period, maxChildren, extraArguments, autoShutdown, ticker);
    }
}
