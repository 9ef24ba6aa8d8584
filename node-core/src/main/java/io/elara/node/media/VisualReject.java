package io.elara.node.media;

/**
 * Why a visual payload was dropped as malformed. {@link VisualPacket#parse} finds all but the last two; {@link
 * VisualDecoder} finds those when it inflates a tile or matches a packet against the others of its frame. Each reason
 * has a short {@link #label()} for counters and metrics, as {@link VisualDecoder#rejected()} keys them.
 */
public enum VisualReject {
    /** Shorter than the fixed header. */
    SHORT("short"),
    /** A version this node does not know. */
    VERSION("version"),
    /** A reserved flag bit set. */
    FLAGS("flags"),
    /** Zero parts, more than {@link VisualPacket#PARTS_MAX}, or a part number not below the count. */
    PARTS("parts"),
    /** A side of zero or more than {@link Picture#SIDE_MAX}. */
    SIZE("size"),
    /** A tile side other than {@link VisualPacket#TILE_SIDE}. */
    TILE_SIDE("tile_side"),
    /** More tile entries than the frame has tiles. */
    TILE_COUNT("tile_count"),
    /** A tile index outside the frame. */
    TILE_INDEX("tile_index"),
    /** The same tile twice in one packet. */
    DUPLICATE_TILE("duplicate_tile"),
    /** A tile entry that runs past the payload's end. */
    TRUNCATED("truncated"),
    /** Bytes after the last tile entry. */
    TRAILING("trailing"),
    /** Tile bytes that are not deflate data of exactly the tile's size. */
    INFLATE("inflate"),
    /** A packet whose frame fields (flags, parts, size) disagree with an earlier packet of the same frame. */
    CONFLICT("conflict");

    private final String label;

    VisualReject(String label) {
        this.label = label;
    }

    /** The metric label: lower case, underscores. */
    public String label() {
        return label;
    }
}
