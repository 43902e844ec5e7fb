namespace CidadesInteligentes.Mqtt.Broker;
