package dev.roomkeeper.polls.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** One counted vote of a closed poll, for audit: who chose what, when, and the seq that stored it. */
@Entity
@Table(name = "poll_vote")
public class VoteRecord {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id", nullable = false, updatable = false)
    private Long id;

    @Column(name = "poll_id", length = 16, nullable = false, updatable = false)
    private String pollId;

    @Column(name = "user_id", length = 128, nullable = false, updatable = false)
    private String userId;

    /** The chosen option ids, comma-separated ({@code a,c}). */
    @Column(name = "options", length = 64, nullable = false, updatable = false)
    private String options;

    @Column(name = "voted_at", nullable = false, updatable = false)
    private Instant votedAt;

    @Column(name = "seq", nullable = false, updatable = false)
    private long seq;

    protected VoteRecord() {
        // for JPA
    }

    public VoteRecord(String pollId, Tally.Vote vote) {
        this.pollId = pollId;
        this.userId = vote.userId();
        this.options = String.join(",", vote.options());
        this.votedAt = Instant.ofEpochMilli(vote.at());
        this.seq = vote.version();
    }

    public String getPollId() {
        return pollId;
    }

    public String getUserId() {
        return userId;
    }

    public List<String> getOptions() {
        return Arrays.asList(options.split(","));
    }

    public Instant getVotedAt() {
        return votedAt;
    }

    public long getSeq() {
        return seq;
    }
}
