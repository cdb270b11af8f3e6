package dev.roomkeeper.bench;

/** A server the harness can load: Roomkeeper itself, or the Node {@code ws} reference server. */
enum Target {
    ROOMKEEPER("Roomkeeper"),
    NODE("Node ws");

    private final String title;

    Target(String title) {
        this.title = title;
    }

    /** The name in tables and summaries. */
    String title() {
        return title;
    }
}
