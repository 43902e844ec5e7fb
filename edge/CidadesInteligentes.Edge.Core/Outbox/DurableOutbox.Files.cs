using System.Buffers.Binary;
using System.Globalization;

namespace CidadesInteligentes.Edge.Core.Outbox;

// Recovery on open and the file lifecycle: segments, ack log compaction.
public sealed partial class DurableOutbox
{
    private void Recover(bool hadOutbox)
    {
        var dir = _options.Directory;
        var acked = new HashSet<long>();
        bool ReadAck(ReadOnlyMemory<byte> body)
        {
            if (body.Length != 8)
            {
                return false;
            }
            acked.Add(BinaryPrimitives.ReadInt64LittleEndian(body.Span));
            return true;
        }

        foreach (var temp in Directory.GetFiles(dir, "*.tmp"))
        {
            File.Delete(temp);
        }
        var ackPath = Path.Combine(dir, AckLogName);
        if (File.Exists(ackPath))
        {
            var damage = RecordFile.ReadAll(ackPath, ReadAck, _syncs, _files);
            if (damage.DamagedBytes > 0)
            {
                OutboxLog.AckLogDamaged(_logger, ackPath, damage.DamagedBytes, damage.DamagedSpans);
            }
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
            var damage = RecordFile.ReadAll(path, body => RecoverRecord(segment, body, acked), _syncs, _files);
            if (damage.DamagedBytes > 0)
            {
                var lost = UnsentMissing(segment, acked);
                _overflowDropped += lost; // reported to the cloud as an outboxOverflow event
                OutboxLog.SegmentDamaged(_logger, path, damage.DamagedBytes, damage.DamagedSpans, lost);
            }
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
            if (counter != IdCounter && counter != FloorCounter)
            {
                _lastSeq[counter] = Math.Max(_lastSeq.GetValueOrDefault(counter), _highWater.Ceiling(counter));
            }
        }
        _lastId = Math.Max(maxId, _highWater.Ceiling(IdCounter));
        _seqFloor = _highWater.Ceiling(FloorCounter);
        RecoverHighWater(hadOutbox);
        _writtenThroughId = _durableThroughId = _lastId;
        if (!TryRewriteAckLog() && !_ackLogStale)
        {
            // No room for the compacted copy: the log just read stays in use, appended to.
            try
            {
                _ackLog = _files.OpenAppend(ackPath);
            }
            catch (Exception e) when (OutboxFiles.IsRefusal(e))
            {
                _ackLogStale = true;
                WriteRefused(e);
            }
        }
        TryStartSegment();
    }

    /// <summary>Takes one recovered record; false when it cannot be one of this segment's (ids only increase in a segment).</summary>
    private bool RecoverRecord(Segment segment, ReadOnlyMemory<byte> body, HashSet<long> acked)
    {
        if (!OutboxRecord.TryDecode(body, out var message) || message.Id <= segment.LastId)
        {
            return false;
        }
        segment.LastId = message.Id;
        _lastSeq[message.Stream] = Math.Max(_lastSeq.GetValueOrDefault(message.Stream), message.Seq);
        if (acked.Contains(message.Id))
        {
            _ackedInLiveSegments.Add(message.Id);
            return true;
        }
        segment.Live++;
        _pending.Add(message);
        _pendingBytes += message.Payload.Length;
        return true;
    }

    /// <summary>
    /// Ids of the segment's range that were neither read nor acked: unsent messages lost to the damage, at most (an id
    /// can also be missing because its message never reached the card: too large, or acked while held in memory).
    /// </summary>
    private long UnsentMissing(Segment segment, HashSet<long> acked)
    {
        long missing = 0;
        for (var id = segment.FirstId; id <= segment.LastId; id++)
        {
            if (!acked.Contains(id) && !_pending.Contains(id))
            {
                missing++;
            }
        }
        return missing;
    }

    private static long ParseFirstId(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return long.Parse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Opens the next segment, named after the id it will hold first (on open the recovered segments stay closed; the
    /// new one starts after them). False when the card refuses the new file: messages wait in memory meanwhile.
    /// </summary>
    private bool TryStartSegment()
    {
        if (_segments.Count > 0 && _segments[^1].Live == 0)
        {
            DeleteSegment(_segments[^1]); // closed, and every message in it acked meanwhile
        }
        var firstId = _memoryOnly.Oldest?.Id ?? _lastId + 1;
        var path = Path.Combine(_options.Directory, $"seg-{firstId:D19}.log");
        try
        {
            _active = _files.OpenAppend(path);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            WriteRefused(e);
            return false;
        }
        _segments.Add(new Segment(path, firstId));
        _syncs.Directory(_options.Directory);
        return true;
    }

    /// <summary>Closes the full active segment and starts the next. A roll costs two fsyncs: the closed segment and the directory (the new file's entry).</summary>
    private void RollSegment()
    {
        try
        {
            _syncs.File(_active!);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            return; // not synced, so not closed: it stays the active segment and the roll is tried after the next append
        }
        _active!.Dispose();
        _active = null;
        // A roll follows an append, so the closed segment holds everything written: it is all durable now.
        _segmentDirty = false;
        _durableThroughId = _writtenThroughId;
        TryStartSegment();
    }

    private void DeleteSegment(Segment segment)
    {
        try
        {
            File.Delete(segment.Path);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            return; // kept with its acks; every message in it acked, the next open deletes it
        }
        _segments.Remove(segment);
        _ackedInLiveSegments.RemoveWhere(id => id >= segment.FirstId && id <= segment.LastId);
    }

    /// <summary>
    /// Keeps only the acks of messages whose segment still exists. False when the card refuses the new copy: the old
    /// log stays in use, or, when an ack could not be appended to it, stays stale until a later flush round rewrites it.
    /// </summary>
    private bool TryRewriteAckLog()
    {
        var path = Path.Combine(_options.Directory, AckLogName);
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
        try
        {
            RecordFile.ReplaceAtomically(path, content.ToArray(), _syncs, _files);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            return false;
        }
        // The old log's handle now points at the replaced file; the new copy holds every ack and was synced.
        _ackLog?.Dispose();
        _ackLog = null;
        _ackLogRecords = ids.Length;
        _ackLogDirty = false;
        try
        {
            _ackLog = _files.OpenAppend(path);
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            _ackLogStale = true; // acks wait in memory for the next rewrite
            WriteRefused(e);
            return false;
        }
        _ackLogStale = false;
        return true;
    }
}
