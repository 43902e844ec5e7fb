namespace CidadesInteligentes.Edge.Core;
