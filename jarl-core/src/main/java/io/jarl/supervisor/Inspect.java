package io.jarl.supervisor;

import io.jarl.server.Request;
import java.util.List;

/**
 * The requests both kinds of supervisor answer, so that {@link Supervisor#whichChildren} and
 * {@link Supervisor#countChildren} work on a {@link DynamicSupervisor} too (as Elixir's
 * {@code Supervisor.which_children/1} does), and a tree can be walked without knowing each node's kind.
 */
sealed interface Inspect extends SupervisorServer.Call, DynamicSupervisorServer.Call {
    record WhichChildren() implements Inspect, Request<List<ChildInfo>> {}

    record CountChildren() implements Inspect, Request<ChildCounts> {}
}
