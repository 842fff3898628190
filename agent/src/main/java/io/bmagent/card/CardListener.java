package io.bmagent.card;

/** Receives card events, on a card-owned thread. */
@FunctionalInterface
public interface CardListener {

  void onEvent(CardEvent event);
}
