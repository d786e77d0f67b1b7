export {
  type ExpressLikeMiddleware,
  type ExpressLikeNext,
  type ExpressLikeRequest,
  type FallthroughPredicate,
  isOutsideTierdesk,
  type TierdeskExpressOptions,
  tierdeskExpress,
} from './express';
export {
  type FastifyLikeInstance,
  type FastifyLikeParserDone,
  type FastifyLikeReply,
  type FastifyLikeRequest,
  type TierdeskFastifyOptions,
  tierdeskFastify,
} from './fastify';
export {
  type BufferedRequestBody,
  ClientDisconnectedError,
  type FetchContext,
  type FetchHandler,
  readableToWebStream,
  type ToWebRequestOptions,
  toWebRequest,
  type WriteWebResponseOptions,
  writeWebResponse,
} from './node-exchange';
export {
  createNodeServer,
  type NodeAdapterOptions,
  type NodeRequestListener,
  type NodeServerOptions,
  toNodeListener,
} from './node-http';
