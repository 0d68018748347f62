/**
 * Jarl's distribution: Erlang's external term format, EPMD, and the Erlang distribution protocol,
 * so that a Jarl node is a node in a BEAM cluster.
 */
module io.jarl.dist {
    requires transitive io.jarl.core;
    requires org.slf4j;

    exports io.jarl.dist;
    exports io.jarl.dist.term;
}
