namespace CidadesInteligentes.Cloud.Domain;
