using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Transport;

/// <summary>
/// A write that fails (the peer reset the link) leaves its bytes in the output pipe, and disposing the connection
/// flushed them once more: that threw too, out of <see cref="MqttConnection.DisposeAsync"/>, before the socket was
/// released. The client's "connection lost" path then neither closed the socket nor reported the loss.
/// </summary>
public sealed class ConnectionDisposeBrokenLinkTests
{
    [Fact]
    public async Task Disposing_a_connection_whose_writes_fail_releases_its_stream_without_throwing()
    {
        var stream = new BrokenLinkStream();
        var connection = MqttConnection.FromStream(stream, MqttCodec.MaxRemainingLength);
        await connection.SendAsync(PingPacket.Request);
        await Wait.UntilAsync(() => connection.Closed.IsCancellationRequested, "the writer finds the link broken");

        await connection.DisposeAsync();
        Assert.True(stream.Disposed, "the stream (the socket) was not released");
        Assert.True(connection.IsDisposed);
    }

    /// <summary>A link whose every write fails like a reset TCP connection; reads wait until cancelled.</summary>
    private sealed class BrokenLinkStream : Stream
    {
        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        // nothing ever arrives: a read ends only when the connection cancels it
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            await _nothing.Task.WaitAsync(cancellationToken);

        private readonly TaskCompletionSource<int> _nothing = new();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("Unable to write data to the transport connection: Broken pipe."));

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("Broken pipe");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
