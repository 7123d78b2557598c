#pragma once

// Lets a coroutine wait for a callback-style answer that arrives on another
// thread (the lifecycle's, a BlockingPool's): the answer is posted back to the
// coroutine's executor, and no thread waits meanwhile. Include only from
// translation units that already use Asio.

#include <functional>
#include <memory>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace antcdn::net {

// `start` receives a std::function<void(T)> to call exactly once, from any thread.
template <typename T, typename Start>
boost::asio::awaitable<T> await_callback(Start start) {
  auto executor = co_await boost::asio::this_coro::executor;
  co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(T)>(
      [executor, &start](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        start(std::function<void(T)>([executor, shared](T value) {
          boost::asio::post(executor, [shared, value = std::move(value)]() mutable {
            (*shared)(std::move(value));
          });
        }));
      },
      boost::asio::use_awaitable);
}

}  // namespace antcdn::net
