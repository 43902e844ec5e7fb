using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using CidadesInteligentes.Testing;
using Xunit;

namespace CidadesInteligentes.Mqtt.Tests.Transport;

/// <summary>
/// Disposing a connection writes out what its writer left unflushed. When the peer has stopped reading (its TCP window
/// and our send buffer full) that write never ends, and neither did <see cref="MqttConnection.DisposeAsync"/>: the
/// broker disposing a client it kicked or timed out, or the client replacing its link on reconnect, hung for good on one
/// stuck peer. The last flush is bounded, and the socket is closed whether or not it got out.
/// </summary>
public sealed class ConnectionDisposeStalledPeerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Disposing_a_connection_whose_peer_stopped_reading_ends_in_bounded_time_and_closes_the_socket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        // small kernel buffers on both sides, so a few hundred kilobytes fill the path (Linux doubles what is asked)
        listener.Server.ReceiveBufferSize = 16 * 1024;
        listener.Start();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = 16 * 1024 };
        await socket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var peer = await Wait.ForAsync(listener.AcceptSocketAsync(), "the peer accepts", Limit); // and never reads
        var connection = MqttConnection.FromStream(new NetworkStream(socket, ownsSocket: true), MqttCodec.MaxRemainingLength);
        var disposing = Task.CompletedTask;
        try
        {
            // 32 publishes of 256 KiB: 8 MiB, far more than the two kernel buffers hold, so the writer stalls
            var payload = new byte[256 * 1024];
            for (ushort id = 1; id <= 32; id++)
            {
                await connection.SendAsync(new PublishPacket { Topic = "ci/v1/3548906/luminaire/sc-lum-1/cmd", Payload = payload, Qos = 1, PacketId = id });
            }
            await Wait.UntilAsync(() => peer.Available > 0 && connection.PacketsSent > 0, "bytes reach the peer's receive buffer", Limit);
            Assert.True(connection.QueuedToSend > 0, "the writer drained 8 MiB into a peer that does not read");
            Assert.False(connection.Closed.IsCancellationRequested);

            var elapsed = Stopwatch.StartNew();
            disposing = connection.DisposeAsync().AsTask();
            await Wait.ForAsync(disposing, "the dispose of a connection whose peer does not read", Limit);
            Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"the dispose took {elapsed.Elapsed.TotalSeconds:0.0} s");
            Assert.True(connection.IsDisposed);
            Assert.True(socket.SafeHandle.IsClosed, "the socket was not closed");

            // the peer, reading at last, reaches the end of the stream: the connection was really closed
            var buffer = new byte[64 * 1024];
            using var drain = new CancellationTokenSource(Limit);
            try
            {
                while (await peer.ReceiveAsync(buffer, SocketFlags.None, drain.Token) > 0)
                {
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // closed with unsent data: a reset is as good an end as a FIN here
            }
        }
        finally
        {
            // a dispose still hanging (the defect) ends once the peer goes away; nothing is left running
            peer.Close();
            await disposing.WaitAsync(Limit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }
}
