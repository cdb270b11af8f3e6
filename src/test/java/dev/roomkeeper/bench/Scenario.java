package dev.roomkeeper.bench;

/**
 * What is measured once the sockets are connected: the join phase and then the fan-out phase
 * ({@code separate}), or joins and publishes at the same time in one window ({@code combined}).
 */
enum Scenario {
    SEPARATE,
    COMBINED
}
