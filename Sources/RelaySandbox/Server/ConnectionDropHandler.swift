import NIOCore
import NIOHTTPTypes

/// Lets a route handler make the server hang up instead of answering, as a crashed or overloaded
/// server does: the route returns a response marked with ``SandboxHTTP/dropConnectionHeader``,
/// and this handler, sitting in the HTTP/1 pipeline between the codec and Hummingbird, swallows
/// that response and closes the TCP connection, so the client sees a transport error.
final class ConnectionDropHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var dropping = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if dropping {
            // The rest of the marked response: nothing more may reach the wire.
            promise?.succeed()
            return
        }
        if case .head(let head) = unwrapOutboundIn(data),
            head.headerFields[SandboxHTTP.dropConnectionHeader] != nil
        {
            dropping = true
            promise?.succeed()
            context.close(promise: nil)
            return
        }
        context.write(data, promise: promise)
    }
}
