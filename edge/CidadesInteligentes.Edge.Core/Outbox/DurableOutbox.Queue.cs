using System.Buffers.Binary;

namespace CidadesInteligentes.Edge.Core.Outbox;

// Appending, removing (ack or overflow drop) and segment bookkeeping; callers hold _gate.
public sealed partial class DurableOutbox
{
    private void Append(OutboxMessage message)
    {
        var body = OutboxRecord.Encode(message);
        // A body past the framing limit would read back as a torn tail and cut off everything after it.
        if (body.Length > RecordFile.MaxBodyBytes)
        {
            throw new ArgumentException($"message of {body.Length} bytes exceeds the outbox record limit of {RecordFile.MaxBodyBytes} bytes");
        }
        var record = RecordFile.Frame(body);
        _active!.Write(record);
        var segment = _segments[^1];
        segment.LastId = message.Id;
        segment.Live++;
        segment.Bytes += record.Length;
        _pending.Add(message);
        _pendingBytes += message.Payload.Length;
        _writtenThroughId = message.Id;
        _segmentDirty = true;
        while (_pending.Count > _options.MaxMessages || (_pendingBytes > _options.MaxBytes && _pending.Count > 1))
        {
            Remove(_pending.Oldest!.Id);
            _overflowDropped++;
        }
        if (segment.Bytes >= _options.SegmentBytes)
        {
            StartSegment();
        }
    }

    private bool Remove(long id)
    {
        if (_pending.Remove(id) is not { } removed)
        {
            return false;
        }
        _pendingBytes -= removed.Payload.Length;
        Span<byte> body = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(body, id);
        _ackLog.Write(RecordFile.Frame(body));
        _ackLogRecords++;
        _ackLogDirty = true;
        _ackedInLiveSegments.Add(id);
        var segment = _segments.FindLast(s => s.FirstId <= id)!;
        segment.Live--;
        if (segment.Live == 0 && segment != _segments[^1])
        {
            DeleteSegment(segment);
        }
        if (_ackLogRecords > 4096 && _ackLogRecords > 2L * _ackedInLiveSegments.Count)
        {
            RewriteAckLog();
        }
        return true;
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
