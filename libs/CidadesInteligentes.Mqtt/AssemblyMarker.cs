namespace CidadesInteligentes.Mqtt;
