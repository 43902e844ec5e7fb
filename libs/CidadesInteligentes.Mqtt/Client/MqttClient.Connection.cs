using System.Text;
using CidadesInteligentes.Mqtt.Packets;
using CidadesInteligentes.Mqtt.Transport;
using Microsoft.Extensions.Logging;

namespace CidadesInteligentes.Mqtt.Client;

public sealed partial class MqttClient
{
    private async Task<ConnAckPacket> ConnectOnceAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposing.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        var connection = await MqttConnection.ConnectTcpAsync(_options.Host, _options.Port, _options.Tls, _options.MaxPacketSize, timeout.Token).ConfigureAwait(false);
        try
        {
            connection.Version = _options.Version;
            var v5 = _options.Version == MqttProtocolVersion.V500;
            var connect = new ConnectPacket
            {
                ProtocolVersion = _options.Version,
                ClientId = _options.ClientId,
                CleanStart = _options.CleanStart,
                KeepAliveSeconds = _options.KeepAliveSeconds,
                Username = _options.Username,
                Password = _options.Password is null ? null : Encoding.UTF8.GetBytes(_options.Password),
                Will = _options.Will,
                Properties = v5
                    ? new MqttProperties
                    {
                        SessionExpiryInterval = _options.SessionExpirySeconds == 0 ? null : _options.SessionExpirySeconds,
                        ReceiveMaximum = _options.ReceiveMaximum,
                        MaximumPacketSize = (uint)_options.MaxPacketSize,
                    }
                    : null,
            };
            await connection.SendAsync(connect, timeout.Token).ConfigureAwait(false);
            var first = await connection.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (first is not ConnAckPacket ack)
            {
                throw new MqttProtocolException($"expected CONNACK, got {first?.ToString() ?? "end of stream"}", ReasonCodes.ProtocolError);
            }
            if (ack.ReasonCode != ReasonCodes.Success)
            {
                throw new MqttConnectException(ack.ReasonCode, $"server refused the connection: reason 0x{ack.ReasonCode:X2} ({ack.Properties?.ReasonString ?? ReasonCodes.Describe(ack.ReasonCode)})");
            }
            var maxPacketSize = (int)Math.Min(ack.Properties?.MaximumPacketSize ?? int.MaxValue, int.MaxValue);
            connection.MaxOutgoingPacketSize = maxPacketSize;
            var serverWindow = ack.Properties?.ReceiveMaximum ?? ushort.MaxValue;
            List<MqttPacket> resend = [];
            List<(string Filter, MqttConnectException Error)> notRestored = [];
            MqttConnection? replaced;
            lock (_gate)
            {
                Volatile.Write(ref _serverMaxPacketSize, maxPacketSize);
                // publishes started by a larger window are resent below with the rest, in packet order
                SetWindowLimit(Math.Min(_options.MaxInflight, serverWindow));
                FailTooLargeInflightLocked();
                foreach (var o in _inflight)
                {
                    if (o.Released)
                    {
                        resend.Add(new PubAckPacket(PacketType.PubRel, o.Packet.PacketId));
                    }
                    else
                    {
                        o.Packet.Dup = o.Sent;
                        o.Sent = true;
                        resend.Add(o.Packet);
                    }
                }
                CancelPendingRequestsLocked();
                if (!ack.SessionPresent)
                {
                    // QoS 2 messages received and not yet released are session state (MQTT 5 §4.1): kept across links
                    // while the session lasts, so a resent PUBLISH (DUP) is not delivered again (§4.3.3), and
                    // discarded with it when the server starts a new one (§3.2.2.2)
                    _incomingQos2.Clear();
                }
                // Current before its read loop starts, so its loss is never taken for a stale connection's. A connection
                // still current here is a lost one whose read loop waits for the application (its loss not handled yet).
                replaced = _connection;
                _connection = connection;
                if (!ack.SessionPresent && _subscriptions.Count > 0)
                {
                    resend.InsertRange(0, ResubscribeLocked(notRestored));
                }
                // queued before the gate is released: a publish started from now on goes out after what was in flight
                // (MQTT 5 §4.6 order); only what the fresh queue cannot take (more than its capacity) is sent below
                var queued = 0;
                while (queued < resend.Count && connection.TrySend(resend[queued]))
                {
                    queued++;
                }
                resend.RemoveRange(0, queued);
                ConnectCount++;
                _connectedSignal.TrySetResult();
            }
            _ = Task.Run(() => ReadLoopAsync(connection));
            _ = Task.Run(() => KeepAliveLoopAsync(connection));
            if (replaced is not null)
            {
                // release its socket now, not once the application has read what its read loop holds; not awaited (its
                // final flush may wait up to FinalFlushTimeout for a peer that stopped reading), never failing this connect
                _ = replaced.DisposeAsync().AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            foreach (var p in resend)
            {
                await connection.SendAsync(p, timeout.Token).ConfigureAwait(false);
            }
            Volatile.Write(ref _lastSentTicks, Now());
            foreach (var (filter, error) in notRestored)
            {
                MqttClientLog.SubscriptionNotRestored(_log, Shorten(filter), _options.Host, _options.Port, error.Message);
            }
            Connected?.Invoke(ack.SessionPresent);
            return ack;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ReadLoopAsync(MqttConnection connection)
    {
        Exception? error = null;
        try
        {
            while (await connection.ReadAsync(connection.Closed).ConfigureAwait(false) is { } packet)
            {
                await HandleAsync(connection, packet).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error = e;
        }
        await OnConnectionLostAsync(connection, error).ConfigureAwait(false);
    }

    private async Task KeepAliveLoopAsync(MqttConnection connection)
    {
        if (_options.KeepAliveSeconds == 0)
        {
            return;
        }
        var keepAlive = TimeSpan.FromSeconds(_options.KeepAliveSeconds);
        var tick = keepAlive / 4;
        long pingSentAt = 0;
        try
        {
            while (!connection.Closed.IsCancellationRequested)
            {
                await Task.Delay(tick, _options.TimeProvider, connection.Closed).ConfigureAwait(false);
                var now = Now();
                if (pingSentAt != 0 && connection.LastPingResponse < pingSentAt && connection.ReaderHeldUntil < pingSentAt)
                {
                    if (now - pingSentAt > keepAlive.TotalMilliseconds)
                    {
                        // no PINGRESP within a keep-alive period: the link is dead even if TCP has not noticed
                        await connection.DisposeAsync().ConfigureAwait(false);
                        return;
                    }
                    continue;
                }
                // answered, or our own read loop stopped reading the socket since (the application is behind on its
                // messages), so the PINGRESP may be waiting there unread: that ping proves nothing either way, and
                // the next one still goes out when idle, so the server sees us alive
                pingSentAt = 0;
                var idle = now - Volatile.Read(ref _lastSentTicks);
                if (idle >= keepAlive.TotalMilliseconds * 0.5)
                {
                    pingSentAt = now;
                    connection.TrySend(PingPacket.Request);
                    Volatile.Write(ref _lastSentTicks, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A connection's read loop ended. It is disposed whether or not it is still the current one: one that a reconnect
    /// already replaced (its loss went unnoticed while the read loop waited for the application) still holds a socket.
    /// Only the current one's loss is reported.
    /// </summary>
    private async Task OnConnectionLostAsync(MqttConnection connection, Exception? error)
    {
        bool current;
        lock (_gate)
        {
            current = ReferenceEquals(_connection, connection);
            if (current)
            {
                _connection = null;
                if (_connectedSignal.Task.IsCompleted)
                {
                    _connectedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        if (current && !_stopping)
        {
            MqttClientLog.ConnectionLost(_log, _options.Host, _options.Port, error?.Message ?? "closed by server");
            ConnectionLost?.Invoke(error);
        }
    }

    /// <summary>A reconnect series logs its first failure and then every this many at Warning; the rest at Debug.</summary>
    internal const int ReconnectWarningEvery = 10;

    private async Task SuperviseAsync()
    {
        var attempt = 0;
        var token = _disposing.Token;
        while (!token.IsCancellationRequested && !_stopping)
        {
            if (IsConnected)
            {
                try
                {
                    await _connection!.Closed.WaitHandle.WaitOneAsync(token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or NullReferenceException)
                {
                }
                attempt = 0;
                continue;
            }
            if (_stopping || token.IsCancellationRequested)
            {
                break;
            }
            var delay = Backoff(attempt++);
            try
            {
                await Task.Delay(delay, _options.TimeProvider, token).ConfigureAwait(false);
                await ConnectOnceAsync(token).ConfigureAwait(false);
                MqttClientLog.Reconnected(_log, _options.Host, _options.Port, attempt);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogReconnectFailure(attempt, e);
            }
        }
    }

    /// <summary>
    /// An unreachable broker or a refused certificate must show in the journal without flooding it: the first
    /// failure of a series and every <see cref="ReconnectWarningEvery"/>th are warnings with the reason.
    /// </summary>
    private void LogReconnectFailure(int attempt, Exception e)
    {
        var reason = e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} ({inner.Message})" : e.Message;
        if (attempt == 1 || attempt % ReconnectWarningEvery == 0)
        {
            MqttClientLog.ReconnectFailed(_log, _options.Host, _options.Port, attempt, reason);
        }
        else
        {
            MqttClientLog.ReconnectAttemptFailed(_log, attempt, reason);
        }
    }

    /// <summary>Exponential backoff with full jitter between the configured bounds.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var cap = Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds, _options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 20)));
        var jittered = _options.ReconnectMinDelay.TotalMilliseconds + (Random.Shared.NextDouble() * (cap - _options.ReconnectMinDelay.TotalMilliseconds));
        return TimeSpan.FromMilliseconds(jittered);
    }
}
