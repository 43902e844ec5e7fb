using CidadesInteligentes.Mqtt.Packets;

namespace CidadesInteligentes.Mqtt.Broker;

internal sealed partial class ClientHandler
{
    private async Task<ConnectPacket?> ReadConnectAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping, _connection.Closed);
        timeout.CancelAfter(Options.ConnectTimeout);
        MqttPacket? first;
        try
        {
            first = await _connection.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (MqttProtocolException e) when (e.ReasonCode == ReasonCodes.UnsupportedProtocolVersion)
        {
            Interlocked.Increment(ref Metrics.ConnectionsRefusedValue);
            _connection.Version = MqttProtocolVersion.V311;
            _connection.TrySend(new ConnAckPacket { ReasonCode = ReasonCodes.UnsupportedProtocolVersion });
            await CloseSoonAsync().ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref Metrics.ConnectionsRefusedValue);
            _broker.Log($"connection from {_remote} closed: no CONNECT within {Options.ConnectTimeout.TotalSeconds:0} s");
            return null;
        }
        if (first is null)
        {
            return null;
        }
        if (first is not ConnectPacket connect)
        {
            throw new MqttProtocolException($"first packet was {first}, must be CONNECT (MQTT 3.1)", ReasonCodes.ProtocolError);
        }
        return connect;
    }

    private async Task<bool> HandshakeAsync(ConnectPacket connect)
    {
        _connection.Version = connect.ProtocolVersion;
        var v5 = connect.ProtocolVersion == MqttProtocolVersion.V500;
        if (v5 && connect.Properties?.MaximumPacketSize is { } mps)
        {
            _connection.MaxOutgoingPacketSize = (int)Math.Min(mps, int.MaxValue);
        }
        string? assigned = null;
        if (connect.ClientId.Length == 0)
        {
            if (!v5 && !connect.CleanStart)
            {
                return await RefuseAsync(ReasonCodes.ClientIdentifierNotValid, "an empty client id needs a clean session (MQTT 3.1.3-8)").ConfigureAwait(false);
            }
            assigned = connect.ClientId = "auto-" + Guid.NewGuid().ToString("N");
        }
        if (_broker.Metrics.Connected >= Options.MaxConnections)
        {
            return await RefuseAsync(v5 ? ReasonCodes.QuotaExceeded : ReasonCodes.ServerUnavailable, "connection limit reached").ConfigureAwait(false);
        }
        var auth = _broker.Authenticator is { } a ? await a.AuthenticateAsync(connect, _remote, _connection.Closed).ConfigureAwait(false) : ReasonCodes.Success;
        if (auth != ReasonCodes.Success)
        {
            Interlocked.Increment(ref Metrics.AuthFailuresValue);
            return await RefuseAsync(auth, "authentication failed").ConfigureAwait(false);
        }
        Client = new BrokerClient(connect.ClientId, connect.Username, connect.ProtocolVersion, _remote);
        Will = connect.Will;
        WillDelaySeconds = connect.Will?.Properties?.WillDelayInterval ?? 0;
        if (Will is not null && _broker.Authorizer is { } acl && !acl.CanPublish(Client, Will.Topic))
        {
            Interlocked.Increment(ref Metrics.AclDenialsValue);
            return await RefuseAsync(ReasonCodes.NotAuthorized, $"will topic {Will.Topic} is not allowed for this client").ConfigureAwait(false);
        }
        var (session, present) = _broker.OpenSession(this, connect);
        Session = session;
        Interlocked.Increment(ref Metrics.ConnectionsAcceptedValue);
        var ack = new ConnAckPacket
        {
            SessionPresent = present,
            ReasonCode = ReasonCodes.Success,
            Properties = v5
                ? new MqttProperties
                {
                    ReceiveMaximum = Options.MaxInflightFromClient,
                    MaximumPacketSize = (uint)Options.MaxPacketSize,
                    TopicAliasMaximum = Options.TopicAliasMaximum,
                    AssignedClientIdentifier = assigned,
                    RetainAvailable = 1,
                    WildcardSubscriptionAvailable = 1,
                    SubscriptionIdentifierAvailable = 1,
                    SharedSubscriptionAvailable = 1,
                }
                : null,
        };
        TrySendPacket(ack);
        session.Attach(this);
        _broker.Sink?.OnConnectionChanged(Client, connected: true, graceful: true);
        return true;
    }

    private async Task<bool> RefuseAsync(byte reason, string why)
    {
        Interlocked.Increment(ref Metrics.ConnectionsRefusedValue);
        _broker.Log($"connection from {_remote} refused (0x{reason:X2}): {why}");
        _connection.TrySend(new ConnAckPacket
        {
            ReasonCode = reason,
            Properties = _connection.Version == MqttProtocolVersion.V500 ? new MqttProperties { ReasonString = why } : null,
        });
        await CloseSoonAsync().ConfigureAwait(false);
        return false;
    }
}
