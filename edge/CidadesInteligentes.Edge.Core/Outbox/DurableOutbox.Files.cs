using System.Buffers.Binary;
using System.Globalization;

namespace CidadesInteligentes.Edge.Core.Outbox;

// Recovery on open and the file lifecycle: segments, ack log compaction.
public sealed partial class DurableOutbox
{
    private void Recover()
    {
        var dir = _options.Directory;
        foreach (var temp in Directory.GetFiles(dir, "*.tmp"))
        {
            File.Delete(temp);
        }
        var acked = new HashSet<long>();
        var ackPath = Path.Combine(dir, AckLogName);
        if (File.Exists(ackPath))
        {
            RecordFile.ReadAll(ackPath, body => acked.Add(BinaryPrimitives.ReadInt64LittleEndian(body.Span)), _syncs);
        }
        long maxId = 0;
        foreach (var id in acked)
        {
            maxId = Math.Max(maxId, id);
        }
        var segmentFiles = Directory.GetFiles(dir, "seg-*.log");
        Array.Sort(segmentFiles, StringComparer.Ordinal);
        foreach (var path in segmentFiles)
        {
            var segment = new Segment(path, ParseFirstId(path));
            RecordFile.ReadAll(path, body => RecoverRecord(segment, OutboxRecord.Decode(body), acked), _syncs);
            segment.Bytes = new FileInfo(path).Length;
            maxId = Math.Max(maxId, segment.LastId);
            if (segment.Live == 0)
            {
                File.Delete(path);
                _ackedInLiveSegments.RemoveWhere(id => id >= segment.FirstId && id <= segment.LastId);
            }
            else
            {
                _segments.Add(segment);
            }
        }
        foreach (var counter in _highWater.Counters)
        {
            if (counter != IdCounter)
            {
                _lastSeq[counter] = Math.Max(_lastSeq.GetValueOrDefault(counter), _highWater.Ceiling(counter));
            }
        }
        _lastId = Math.Max(maxId, _highWater.Ceiling(IdCounter));
        _writtenThroughId = _durableThroughId = _lastId;
        _ackLog = RecordFile.OpenAppend(ackPath);
        RewriteAckLog();
        StartSegment();
    }

    private void RecoverRecord(Segment segment, OutboxMessage message, HashSet<long> acked)
    {
        segment.LastId = message.Id;
        _lastSeq[message.Stream] = Math.Max(_lastSeq.GetValueOrDefault(message.Stream), message.Seq);
        if (acked.Contains(message.Id))
        {
            _ackedInLiveSegments.Add(message.Id);
            return;
        }
        segment.Live++;
        _pending.Add(message);
        _pendingBytes += message.Payload.Length;
    }

    private static long ParseFirstId(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return long.Parse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private void StartSegment()
    {
        // On open the recovered segments stay closed; the new active one starts after them.
        // A roll costs two fsyncs: the closed segment and the directory (the new file's entry).
        if (_active is not null)
        {
            _syncs.File(_active);
            _active.Dispose();
            // A roll follows an append, so the closed segment holds everything written: it is all durable now.
            _segmentDirty = false;
            _durableThroughId = _writtenThroughId;
            var previous = _segments[^1];
            if (previous.Live == 0)
            {
                DeleteSegment(previous);
            }
        }
        var firstId = _lastId + 1;
        var path = Path.Combine(_options.Directory, $"seg-{firstId:D19}.log");
        _active = RecordFile.OpenAppend(path);
        _segments.Add(new Segment(path, firstId));
        _syncs.Directory(_options.Directory);
    }

    private void DeleteSegment(Segment segment)
    {
        File.Delete(segment.Path);
        _segments.Remove(segment);
        _ackedInLiveSegments.RemoveWhere(id => id >= segment.FirstId && id <= segment.LastId);
    }

    /// <summary>Keeps only the acks of messages whose segment still exists.</summary>
    private void RewriteAckLog()
    {
        var path = Path.Combine(_options.Directory, AckLogName);
        _ackLog.Dispose();
        using var content = new MemoryStream();
        Span<byte> body = stackalloc byte[8];
        var ids = new long[_ackedInLiveSegments.Count];
        _ackedInLiveSegments.CopyTo(ids);
        Array.Sort(ids);
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteInt64LittleEndian(body, id);
            content.Write(RecordFile.Frame(body));
        }
        RecordFile.ReplaceAtomically(path, content.ToArray(), _syncs);
        _ackLogRecords = _ackedInLiveSegments.Count;
        _ackLogDirty = false; // the rewritten log holds every ack and was synced by the replace
        _ackLog = RecordFile.OpenAppend(path);
    }
}
