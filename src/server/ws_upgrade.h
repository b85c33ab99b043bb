// WsUpgrade: a connection the HTTP server hands over to the WebSocket hub (see
// HttpServer::SetWebSocketHandler). Includes Beast, so only the server and the hub include it.
//
// Contract: the receiver owns the socket (its executor is a strand of the server's
// io_context, which outlives every connection until HttpServer::Stop). `request` is the
// upgrade request as read (pass it to websocket::stream::async_accept); `parsed` holds the
// same request in the handler form (decoded path and query, e.g. ?session_id= and ?events=).
// The guard has already accepted it (Host, token, Origin). When the server stops it calls the
// close_all hook given to SetWebSocketHandler while `io_context` still runs.
#pragma once
#include <utility>  // before asio: Boost 1.74 asio headers rely on it being there

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/http.h"

namespace cs {

struct WsUpgrade {
  boost::asio::ip::tcp::socket socket;
  boost::beast::http::request<boost::beast::http::string_body> request;
  Request parsed;
  // The server's io_context (runs `socket`'s handlers until HttpServer::Stop).
  boost::asio::io_context* io_context = nullptr;
};

}  // namespace cs
