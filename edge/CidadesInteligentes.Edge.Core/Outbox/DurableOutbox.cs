using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CidadesInteligentes.Telemetry.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Store-and-forward queue of one device (telemetry contract: a message leaves only after its PUBACK).
/// Messages are appended to segment files and acks to an append-only ack log; a segment whose messages are all acked
/// is deleted. Pending messages are also kept in memory, in order. Thread-safe. A write the SD card refuses (full,
/// read-only) never throws: the message stays in memory only until the card has room (DurableOutbox.Refusals.cs).
/// Syncs are batched: at most one flush round per <see cref="OutboxOptions.FlushInterval"/>, and a round fsyncs only
/// the files written since the last one: the active segment after enqueues, the ack log after acks, so 0, 1 or 2 file
/// fsyncs and never a directory. Folding the two into one would need acks written into the segments (another on-disk
/// format) and would not lower the total: a message costs one segment sync and its ack one ack-log sync whichever
/// round they fall in. Outside the rounds: a seq reservation every <see cref="OutboxOptions.SeqReserveBlock"/>
/// messages, a segment roll and an ack-log compaction each cost one file and one directory fsync.
/// </summary>
public sealed partial class DurableOutbox : IDisposable
{
    private const string IdCounter = "#id";
    private const string FloorCounter = "#floor"; // every stream's seqs start above it (set by a skip ahead)
    private const string AckLogName = "acks.log";

    private readonly object _gate = new();
    private readonly OutboxOptions _options;
    private readonly OutboxFiles _files;
    private readonly ILogger _logger;
    private readonly ITimer _flushTimer;
    private readonly SeqHighWaterMark _highWater;
    private readonly PendingQueue _pending = new();
    private readonly SyncLog _syncs = new();
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
    private readonly List<Segment> _segments = [];
    private readonly HashSet<long> _ackedInLiveSegments = [];
    private readonly PendingQueue _memoryOnly = new(); // pending, not on the card yet (it refused them), oldest first
    private FileStream? _active;
    private FileStream? _ackLog;
    private long _ackLogRecords;
    private long _pendingBytes;
    private OutboxDrops _overflowDropped;
    private long _lastId;
    private long _seqFloor;
    private long _writtenThroughId;
    private long _durableThroughId;
    private bool _segmentDirty;
    private bool _ackLogDirty;
    private bool _ackLogStale; // an ack could not be appended: the log is rewritten in full once the card has room
    private bool _disposed;

    /// <param name="logger">Where the outbox says, in plain words, that the card refuses writes and when it takes them again.</param>
    public DurableOutbox(OutboxOptions options, TimeProvider timeProvider, ILogger? logger = null)
        : this(options, timeProvider, logger, OutboxFiles.Default)
    {
    }

    internal DurableOutbox(OutboxOptions options, TimeProvider timeProvider, ILogger? logger, OutboxFiles files)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _files = files;
        _logger = logger ?? NullLogger.Instance;
        TimeProvider = timeProvider;
        Directory.CreateDirectory(options.Directory);
        var hadOutbox = File.Exists(Path.Combine(options.Directory, AckLogName)) || Directory.GetFiles(options.Directory, "seg-*.log").Length > 0;
        _highWater = new SeqHighWaterMark(Path.Combine(options.Directory, "seq.hwm"), _syncs, files);
        Recover(hadOutbox);
        var interval = options.EffectiveFlushInterval;
        _flushTimer = timeProvider.CreateTimer(_ => FlushIfDirty(), null, interval, interval);
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>The fsyncs this outbox made (tests count them).</summary>
    internal SyncLog Syncs => _syncs;

    public int PendingCount
    {
        get { lock (_gate) { return _pending.Count; } }
    }

    public long PendingBytes
    {
        get { lock (_gate) { return _pendingBytes; } }
    }

    /// <summary>Every message with an id up to this one is on disk (fsynced).</summary>
    public long DurableThroughId
    {
        get { lock (_gate) { return _durableThroughId; } }
    }

    /// <summary>The last seq handed out on <paramref name="stream"/> (0 if none yet).</summary>
    public long LastSeq(string stream)
    {
        lock (_gate)
        {
            return _lastSeq.GetValueOrDefault(stream, _seqFloor);
        }
    }

    /// <summary>Unsent messages dropped since the last call, by why; the caller reports an outboxOverflow event.</summary>
    public OutboxDrops TakeOverflowCount()
    {
        lock (_gate)
        {
            var count = _overflowDropped;
            _overflowDropped = default;
            return count;
        }
    }

    /// <summary>
    /// Assigns the next seq of <paramref name="stream"/>, builds the payload with it and queues it. A message the card
    /// refuses is kept in memory and written once it has room. When the seq would need a reservation the card refuses,
    /// nothing is queued and no seq handed out: the result has <c>Seq</c> 0 and the drop is counted in
    /// <see cref="TakeOverflowCount"/>.
    /// </summary>
    public OutboxMessage Enqueue(string stream, string topic, DateTimeOffset ts, Func<long, ReadOnlyMemory<byte>> buildPayload)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(buildPayload);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var seq = _lastSeq.GetValueOrDefault(stream, _seqFloor) + 1;
            if (!TryReserve(stream, seq, _lastId + 1))
            {
                _overflowDropped += new OutboxDrops(0, 1, 0);
                return new OutboxMessage(0, stream, 0, ts.ToUniversalTime(), topic, ReadOnlyMemory<byte>.Empty);
            }
            _lastSeq[stream] = seq;
            var id = ++_lastId;
            var message = new OutboxMessage(id, stream, seq, ts.ToUniversalTime(), topic, buildPayload(seq));
            Append(message);
            return message;
        }
    }

    /// <summary>Queues a contract payload: sets its <c>seq</c> (and <c>v</c> and <c>ts</c> when missing), then serializes it.</summary>
    public OutboxMessage Enqueue<T>(string stream, string topic, T payload, JsonTypeInfo<T> typeInfo)
        where T : SequencedPayload
    {
        ArgumentNullException.ThrowIfNull(payload);
        payload.V ??= 1;
        payload.Ts ??= TimeProvider.GetUtcNow();
        return Enqueue(stream, topic, payload.Ts.Value, seq =>
        {
            payload.Seq = seq;
            return JsonSerializer.SerializeToUtf8Bytes(payload, typeInfo);
        });
    }

    /// <summary>Pending messages in queue order whose id is above <paramref name="afterId"/> (ids of those already in flight).</summary>
    public IReadOnlyList<OutboxMessage> Peek(int max, long afterId = 0)
    {
        lock (_gate)
        {
            return _pending.Peek(max, afterId);
        }
    }

    /// <summary>Removes a message once its PUBACK arrived. False if it was not pending (already acked or dropped).</summary>
    public bool Ack(long id)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Remove(id);
        }
    }

    /// <summary>Syncs everything appended so far to disk now.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                Sync();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _flushTimer.Dispose();
            RetryWrites(); // a last try for what the card refused, whatever the pause
            try
            {
                Sync();
            }
            catch (Exception e) when (OutboxFiles.IsRefusal(e))
            {
            }
            if (_memoryOnly.Count > 0)
            {
                OutboxLog.LostAtStop(_logger, _memoryOnly.Count, _options.Directory);
            }
            _active?.Dispose();
            _ackLog?.Dispose();
            _disposed = true;
        }
    }

    private void FlushIfDirty()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            if (!RetryPaused())
            {
                RetryWrites();
            }
            if (_segmentDirty || _ackLogDirty)
            {
                try
                {
                    Sync();
                }
                catch (Exception e) when (OutboxFiles.IsRefusal(e))
                {
                    // stays dirty: the next tick (or Flush/Dispose) retries; DurableThroughId does not advance
                }
            }
        }
    }

    /// <summary>One flush round: one fsync per file written since the last round (segment, ack log), none otherwise.</summary>
    private void Sync()
    {
        if (_segmentDirty)
        {
            _syncs.File(_active!);
            _segmentDirty = false;
        }
        if (_ackLogDirty)
        {
            _syncs.File(_ackLog!);
            _ackLogDirty = false;
        }
        _durableThroughId = _writtenThroughId;
    }
}
