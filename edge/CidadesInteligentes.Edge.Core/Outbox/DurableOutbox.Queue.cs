using System.Buffers.Binary;

namespace CidadesInteligentes.Edge.Core.Outbox;

// Appending, removing (ack or overflow drop) and segment bookkeeping; callers hold _gate.
public sealed partial class DurableOutbox
{
    private void Append(OutboxMessage message)
    {
        // A body past the framing limit would read back as a torn tail and cut off everything after it.
        var bodyLength = OutboxRecord.BodyLength(message);
        if (bodyLength > RecordFile.MaxBodyBytes)
        {
            throw new ArgumentException($"message of {bodyLength} bytes exceeds the outbox record limit of {RecordFile.MaxBodyBytes} bytes");
        }
        _pending.Add(message);
        _pendingBytes += message.Payload.Length;
        // Queued behind any message the card refused: segments hold ids in order.
        _memoryOnly.Add(message);
        if (!RetryPaused())
        {
            WriteMemoryOnly();
        }
        while (_pending.Count > _options.MaxMessages || (_pendingBytes > _options.MaxBytes && _pending.Count > 1))
        {
            Remove(_pending.Oldest!.Id);
            _overflowDropped += new OutboxDrops(1, 0, 0);
        }
        CardTakesWritesAgain();
    }

    /// <summary>Writes the messages not on the card yet to the active segment, oldest first, until the card refuses one.</summary>
    private void WriteMemoryOnly()
    {
        while (_memoryOnly.Oldest is { } message)
        {
            if (_active is null && !TryStartSegment())
            {
                return;
            }
            var record = RecordFile.Frame(OutboxRecord.Encode(message));
            try
            {
                _active!.Write(record);
            }
            catch (Exception e) when (OutboxFiles.IsRefusal(e))
            {
                CutRefusedWrite(_active!);
                WriteRefused(e);
                return;
            }
            _memoryOnly.Remove(message.Id);
            var segment = _segments[^1];
            segment.LastId = message.Id;
            segment.Live++;
            segment.Bytes += record.Length;
            _writtenThroughId = message.Id;
            _segmentDirty = true;
            if (segment.Bytes >= _options.SegmentBytes)
            {
                RollSegment();
            }
        }
    }

    private bool Remove(long id)
    {
        if (_pending.Remove(id) is not { } removed)
        {
            return false;
        }
        _pendingBytes -= removed.Payload.Length;
        if (_memoryOnly.Remove(id) is not null)
        {
            return true; // it never reached the card: nothing there to mark
        }
        AppendAck(id);
        _ackedInLiveSegments.Add(id);
        var segment = _segments.FindLast(s => s.FirstId <= id)!;
        segment.Live--;
        if (segment.Live == 0 && segment != _segments[^1])
        {
            DeleteSegment(segment);
        }
        if (!_ackLogStale && _ackLogRecords > 4096 && _ackLogRecords > 2L * _ackedInLiveSegments.Count)
        {
            TryRewriteAckLog();
        }
        return true;
    }

    private void AppendAck(long id)
    {
        if (_ackLogStale)
        {
            return; // the rewrite that ends it writes every ack held in memory, this one too
        }
        Span<byte> body = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(body, id);
        try
        {
            _ackLog!.Write(RecordFile.Frame(body));
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            // Not on the card, the ack would only make the message go out again after a restart; rewritten later.
            CutRefusedWrite(_ackLog!);
            _ackLogStale = true;
            WriteRefused(e);
            return;
        }
        _ackLogRecords++;
        _ackLogDirty = true;
    }

    private sealed class Segment(string path, long firstId)
    {
        public string Path { get; } = path;

        public long FirstId { get; } = firstId;

        public long LastId { get; set; } = firstId - 1;

        public int Live { get; set; }

        public long Bytes { get; set; }
    }
}
