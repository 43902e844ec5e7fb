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

        if (_highWater.CutRefused is { } hwmRefused)
        {
            RepairRefused(hwmRefused);
        }
        foreach (var temp in Directory.GetFiles(dir, "*.tmp"))
        {
            try
            {
                _files.Delete(temp);
            }
            catch (Exception e) when (OutboxFiles.IsRefusal(e))
            {
                RepairRefused(e); // harmless: a replace overwrites it, and nothing reads it
            }
        }
        var ackPath = Path.Combine(dir, AckLogName);
        var ackLogTorn = false;
        if (File.Exists(ackPath))
        {
            var damage = RecordFile.ReadAll(ackPath, ReadAck, _syncs, _files);
            if (damage.DamagedBytes > 0)
            {
                OutboxLog.AckLogDamaged(_logger, ackPath, damage.DamagedBytes, damage.DamagedSpans);
            }
            if (damage.CutRefused is { } refused)
            {
                ackLogTorn = true; // never appended to: rewritten whole once the card takes writes
                RepairRefused(refused);
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
                _overflowDropped += new OutboxDrops(0, 0, lost); // reported to the cloud as an outboxOverflow event
                OutboxLog.SegmentDamaged(_logger, path, damage.DamagedBytes, damage.DamagedSpans, lost);
            }
            if (damage.CutRefused is { } refused)
            {
                RepairRefused(refused); // a recovered segment is never appended to: its torn tail is only read again
            }
            segment.Bytes = new FileInfo(path).Length;
            maxId = Math.Max(maxId, segment.LastId);
            if (segment.Live == 0 && TryDeleteRecovered(path))
            {
                _ackedInLiveSegments.RemoveWhere(id => id >= segment.FirstId && id <= segment.LastId);
            }
            else
            {
                _segments.Add(segment); // every message in it acked when its deletion was refused: kept with its acks
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
            if (ackLogTorn)
            {
                _ackLogStale = true; // its torn tail could not be cut: never appended to, rewritten whole once the card takes writes
            }
            else
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
        }
        TryStartSegment();
    }

    private bool TryDeleteRecovered(string path)
    {
        try
        {
            _files.Delete(path);
            return true;
        }
        catch (Exception e) when (OutboxFiles.IsRefusal(e))
        {
            RepairRefused(e);
            return false;
        }
    }

    /// <summary>
    /// Recovery could not write a repair (a card the kernel remounted read-only): it goes on without it, and says so
    /// once; what waits for a writable card is done then, or at a later start.
    /// </summary>
    private void RepairRefused(Exception e)
    {
        if (!_repairRefusalLogged)
        {
            _repairRefusalLogged = true;
            OutboxLog.RepairRefused(_logger, _options.Directory, e.Message);
        }
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
            _files.Delete(segment.Path);
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
