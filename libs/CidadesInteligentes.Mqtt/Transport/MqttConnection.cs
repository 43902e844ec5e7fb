using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Transport;

/// <summary>
/// A framed MQTT connection over any <see cref="IDuplexPipe"/>: one reader (<see cref="ReadAsync"/>) and any number of
/// concurrent senders. Outgoing packets go through a bounded queue drained by one writer loop that encodes every
/// packet available and flushes once, so bursts are coalesced into few TCP segments.
/// </summary>
public sealed class MqttConnection : IAsyncDisposable
{
    private readonly IDuplexPipe _pipe;
    private readonly Channel<MqttPacket> _outgoing;
    private readonly Task _writerLoop;
    private readonly IDisposable? _owner;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationToken _closedToken;
    private int _disposed;

    // Who completes the input pipe: DisposeAsync when no read runs, else the read when it ends (PipeReader is not
    // thread-safe; completing it under a running read broke that read with InvalidOperationException).
    private const int Idle = 0, Reading = 1, Gone = 2;
    private int _readState;

    public MqttConnection(IDuplexPipe pipe, int maxPacketSize = MqttCodec.MaxRemainingLength, int sendQueueCapacity = 65_536, IDisposable? owner = null)
    {
        _pipe = pipe;
        _owner = owner;
        _closedToken = _closed.Token;
        MaxIncomingPacketSize = maxPacketSize;
        _outgoing = Channel.CreateBounded<MqttPacket>(new BoundedChannelOptions(sendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writerLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Protocol level used to encode and decode (set once CONNECT is seen).</summary>
    public MqttProtocolVersion Version { get; set; } = MqttProtocolVersion.V500;

    public int MaxIncomingPacketSize { get; set; }

    /// <summary>5.0: the peer's Maximum Packet Size; larger outgoing packets are dropped (MQTT 3.1.2.11.4).</summary>
    public int MaxOutgoingPacketSize { get; set; } = int.MaxValue;

    /// <summary>
    /// Told of every packet the writer drops for exceeding <see cref="MaxOutgoingPacketSize"/>, with its size (the broker
    /// counts and logs them). Runs on the writer loop: it must be quick and must not throw.
    /// </summary>
    public Action<MqttPacket, int>? DroppedTooLarge { get; set; }

    public long BytesReceived { get; private set; }

    /// <summary>Time (ms, the client's clock) of the last PINGRESP (client keep-alive).</summary>
    public long LastPingResponse { get; set; }

    private long _readerHeldUntil;

    /// <summary>
    /// Time (ms, the client's clock) the client's read loop last stopped waiting for room in the application's message
    /// channel; <see cref="long.MaxValue"/> while it waits. Meanwhile nothing is read, a PINGRESP included (keep-alive).
    /// </summary>
    public long ReaderHeldUntil
    {
        get => Interlocked.Read(ref _readerHeldUntil);
        set => Interlocked.Exchange(ref _readerHeldUntil, value);
    }

    public long PacketsSent { get; private set; }

    /// <summary>
    /// Cancelled when the connection is closed or broken; still readable once it is disposed (a client's read loop, held
    /// by a full incoming channel, may let its connection object outlive the disposal; asking the disposed source for its
    /// token threw, and that killed the client's reconnect loop).
    /// </summary>
    public CancellationToken Closed => _closedToken;

    /// <summary>True once <see cref="DisposeAsync"/> has run: the socket is released (tests).</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Packets waiting to be written (slow-reader detection).</summary>
    public int QueuedToSend => _outgoing.Reader.Count;

    /// <summary>Opens a TCP connection (TCP_NODELAY on), optionally wrapped in TLS.</summary>
    public static async Task<MqttConnection> ConnectTcpAsync(string host, int port, MqttTls? tls, int maxPacketSize, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, ct).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                stream = await tls.AuthenticateAsync(stream, host, ct).ConfigureAwait(false);
            }
            return FromStream(stream, maxPacketSize);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Wraps a stream (TCP or TLS) in pipes.</summary>
    public static MqttConnection FromStream(Stream stream, int maxPacketSize, int sendQueueCapacity = 65_536)
    {
        var pipe = new StreamDuplexPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true)));
        return new MqttConnection(pipe, maxPacketSize, sendQueueCapacity, stream);
    }

    /// <summary>Reads the next packet; null when the peer closed the connection cleanly.</summary>
    /// <exception cref="MqttProtocolException">Malformed or oversize input.</exception>
    /// <exception cref="ObjectDisposedException">The connection was disposed before or during the read.</exception>
    public async ValueTask<MqttPacket?> ReadAsync(CancellationToken ct)
    {
        if (Interlocked.CompareExchange(ref _readState, Reading, Idle) != Idle)
        {
            throw Disposed();
        }
        MqttPacket? packet;
        var disposedMeanwhile = false;
        try
        {
            packet = await ReadPacketAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _readState, Idle, Reading) == Gone)
            {
                // disposed while this read ran: the pipe's reader is not thread-safe, so the reader completes it
                disposedMeanwhile = true;
                await _pipe.Input.CompleteAsync().ConfigureAwait(false);
            }
        }
        return disposedMeanwhile ? throw Disposed() : packet;
    }

    private static ObjectDisposedException Disposed() => new(nameof(MqttConnection), "the connection is closed");

    private async ValueTask<MqttPacket?> ReadPacketAsync(CancellationToken ct)
    {
        var reader = _pipe.Input;
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                var before = buffer.Length;
                if (MqttCodec.TryReadPacket(ref buffer, Version, MaxIncomingPacketSize, out var packet))
                {
                    BytesReceived += before - buffer.Length;
                    consumed = buffer.Start;
                    // Only what this packet used counts as examined: bytes after it may already hold the next
                    // complete packet, and marking them examined would make the next read wait for more data.
                    examined = consumed;
                    return packet;
                }
                if (result.IsCanceled && Volatile.Read(ref _readState) == Gone)
                {
                    throw Disposed();
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    if (buffer.Length > 0)
                    {
                        throw new MqttProtocolException("connection closed in the middle of a packet");
                    }
                    return null;
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    /// <summary>Queues a packet for sending; waits when the send queue is full.</summary>
    public ValueTask SendAsync(MqttPacket packet, CancellationToken ct = default)
    {
        if (_closed.IsCancellationRequested)
        {
            return ValueTask.FromException(new IOException("connection is closed"));
        }
        return _outgoing.Writer.WriteAsync(packet, ct);
    }

    /// <summary>Queues a packet without waiting; false when the queue is full (slow reader) or closed.</summary>
    public bool TrySend(MqttPacket packet) => !_closed.IsCancellationRequested && _outgoing.Writer.TryWrite(packet);

    /// <summary>Waits until everything queued so far has been written, then closes the write side.</summary>
    public async Task CompleteAsync(TimeSpan timeout)
    {
        _outgoing.Writer.TryComplete();
        await _writerLoop.WaitAsync(timeout).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var writer = _pipe.Output;
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closed.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var packet))
                {
                    var toWrite = packet;
                    var size = MqttCodec.GetSize(packet, Version);
                    if (size > MaxOutgoingPacketSize && OversizeDiagnostics.Without(packet) is { } lean)
                    {
                        toWrite = lean;
                        size = MqttCodec.GetSize(lean, Version);
                    }
                    if (size > MaxOutgoingPacketSize)
                    {
                        DroppedTooLarge?.Invoke(packet, size);
                        continue;
                    }
                    MqttCodec.Write(writer, toWrite, Version);
                    PacketsSent++;
                    if (writer.UnflushedBytes > 64 * 1024)
                    {
                        break;
                    }
                }
                var flush = await writer.FlushAsync(_closed.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _outgoing.Writer.TryComplete();
            await _closed.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes both directions at once: queued sends are dropped, bytes already encoded get <see cref="FinalFlushTimeout"/>
    /// to go out, and the socket is closed either way.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _outgoing.Writer.TryComplete();
        await _closed.CancelAsync().ConfigureAwait(false);
        try
        {
            await _writerLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
        // wake a read waiting on another token (the broker's idle timer) before handing it the input's completion
        _pipe.Input.CancelPendingRead();
        if (Interlocked.Exchange(ref _readState, Gone) == Idle)
        {
            await _pipe.Input.CompleteAsync().ConfigureAwait(false);
        }
        // Completing the output writes out what the writer left unflushed. On a broken link that fails as the writer's
        // flush did; towards a peer that stopped reading (its window and our send buffer full) it would wait for ever,
        // and this dispose with it. It gets FinalFlushTimeout; then the socket is closed under it, which ends it.
        var finalFlush = _pipe.Output.CompleteAsync().AsTask();
        await finalFlush.WaitAsync(FinalFlushTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _owner?.Dispose();
        _closed.Dispose();
        // its failure on the closed socket is expected: observed here, never reported as an unobserved task exception
        _ = finalFlush.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>How long <see cref="DisposeAsync"/> lets the last unflushed bytes go out before it closes the socket.</summary>
    internal static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(2);

    private sealed class StreamDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
